package ai.together.sandbox.sample;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import ai.together.sandbox.test.AutoConfigureTogetherSandboxEmulator;

import org.springframework.boot.test.context.SpringBootTest;

/**
 * The sample application as a web service on a random port of 127.0.0.1, with its embedded
 * emulator (whatever API key the environment holds). Every test class with this annotation shares one application context. Retries wait
 * only a few milliseconds, so that a test can cause one quickly.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "together.sandbox.retry.initial-delay=5ms",
				"together.sandbox.retry.jitter=0ms" })
@AutoConfigureTogetherSandboxEmulator
public @interface SampleAppTest {

}
