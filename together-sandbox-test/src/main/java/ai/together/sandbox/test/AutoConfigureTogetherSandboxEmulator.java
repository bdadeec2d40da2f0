package ai.together.sandbox.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.test.context.ContextCustomizerFactories;

/**
 * Runs a Spring Boot test ({@code @SpringBootTest} or a test slice) against the local emulator
 * of {@code together-sandbox-emulator}: the auto-configured {@code TogetherSandbox} and
 * {@code ReactiveTogetherSandbox} talk to an emulator that starts and stops with the test's
 * application context, whatever API key and base URL the application configures
 * ({@code together.sandbox.api-key}, {@code together.sandbox.base-url}, {@code TOGETHER_API_KEY},
 * {@code TOGETHER_BASE_URL}), as {@code @AutoConfigureTestDatabase(replace = ANY)} does for a
 * {@code DataSource}. The configured key is neither sent nor logged.
 * <p>
 * It sets {@code together.sandbox.emulator.mode} to {@code always} (and
 * {@code together.sandbox.emulator.snapshot-aliases} to {@link #snapshotAliases()}) in a property
 * source that ranks above every other one of the test, including
 * {@code @SpringBootTest(properties = ...)}. The emulator is a {@code SandboxEmulator} bean, for
 * example to assert on its {@code baseUrl()} or to build a second client.
 *
 * <pre>{@code
 * @SpringBootTest
 * @AutoConfigureTogetherSandboxEmulator(snapshotAliases = "my-app@v1")
 * class MyServiceTests {
 *
 *     @Autowired
 *     TogetherSandbox sandboxes;
 *
 *     @Autowired
 *     SandboxEmulator emulator;
 * }
 * }</pre>
 *
 * With {@link Replace#ANY}, {@code TogetherSandboxConnectionDetails} beans that the application
 * or a {@code @ServiceConnection} defines are replaced by the emulator's too. Application-defined
 * {@code TogetherSandbox} or {@code ReactiveTogetherSandbox} beans are not: a client that the
 * application builds itself keeps its own settings.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
@ContextCustomizerFactories(EmulatorContextCustomizerFactory.class)
public @interface AutoConfigureTogetherSandboxEmulator {

	/**
	 * What the emulator replaces.
	 * @return {@link Replace#ANY} (the default) to use the emulator whatever the configuration,
	 * {@link Replace#NONE} to keep the application's own {@code together.sandbox.emulator.mode}
	 */
	Replace replace() default Replace.ANY;

	/**
	 * Snapshot aliases ({@code namespace@alias}, for example {@code my-app@v1}) that the emulator
	 * registers at startup, each with a snapshot of its own, so that sandboxes can be created from
	 * them straight away. When not empty, they replace the configured
	 * {@code together.sandbox.emulator.snapshot-aliases}.
	 * @return the aliases to register
	 */
	String[] snapshotAliases() default {};

	/**
	 * What the emulator replaces.
	 */
	enum Replace {

		/**
		 * The emulator serves the auto-configured client whatever API key, base URL or emulator
		 * mode is configured ({@code together.sandbox.emulator.mode=always}), and replaces
		 * application-defined connection details.
		 */
		ANY,

		/**
		 * The application's configuration decides, as without the annotation: by default the
		 * emulator starts only when no API key is configured.
		 */
		NONE

	}

}
