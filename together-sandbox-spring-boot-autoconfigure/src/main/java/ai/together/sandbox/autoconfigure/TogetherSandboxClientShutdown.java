package ai.together.sandbox.autoconfigure;

import ai.together.sandbox.ReactiveTogetherSandbox;

import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * Closes the auto-configured client while the context shuts down, as late as it can: in phase 0,
 * right before the {@code ReactorResourceFactory} of that phase (registered as depending on it,
 * so it is stopped first). That factory disposes the event loops the application's
 * {@code WebClient.Builder} runs on, which would cut the client's calls and streams like dropped
 * connections (exec output streams would even try to reconnect) instead of ending them as
 * closed. Everything stopped in a higher phase (the web server and its graceful shutdown, the
 * application's own {@code SmartLifecycle} beans) can still use the client. A plain
 * {@code stop()} of the context (for example before a checkpoint) leaves the client open; the
 * bean's destroy method closes it in any case.
 *
 * @author together-sandbox-java
 */
class TogetherSandboxClientShutdown implements SmartLifecycle {

	/** The phase of Spring's {@code ReactorResourceFactory}. */
	static final int PHASE = 0;

	private final ReactiveTogetherSandbox client;

	private final ApplicationContext context;

	private volatile boolean running;

	TogetherSandboxClientShutdown(ReactiveTogetherSandbox client, ApplicationContext context) {
		this.client = client;
		this.context = context;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.context instanceof ConfigurableApplicationContext configurable && configurable.isClosed()) {
			this.client.close();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
