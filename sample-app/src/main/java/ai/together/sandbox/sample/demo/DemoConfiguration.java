package ai.together.sandbox.sample.demo;

import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.autoconfigure.TogetherSandboxProperties;
import ai.together.sandbox.sample.SampleProperties;
import ai.together.sandbox.sample.SnapshotRegistration;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The demo job and its runner, present when {@code sample.demo.enabled} is {@code true} (the
 * {@code demo} profile). The job is the application's one user of the blocking
 * {@link TogetherSandbox}; it runs on the main thread, never on a Reactor event loop.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("sample.demo.enabled")
public class DemoConfiguration {

	@Bean
	DemoJob demoJob(TogetherSandbox togetherSandbox, ObjectProvider<CreateSandboxRequest.Builder> requestBuilder,
			SnapshotRegistration snapshotRegistration, SampleProperties properties, TogetherSandboxProperties starter) {
		return new DemoJob(togetherSandbox, requestBuilder, snapshotRegistration, properties, DemoProject.wordCount(),
				System.out, starter.getApiGeneration());
	}

	@Bean
	DemoRunner demoRunner(DemoJob demoJob) {
		return new DemoRunner(demoJob, System.out);
	}

}
