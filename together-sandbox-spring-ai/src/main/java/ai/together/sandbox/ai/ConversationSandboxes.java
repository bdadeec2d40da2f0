package ai.together.sandbox.ai;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import ai.together.sandbox.Sandbox;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.ai.SandboxToolCallEvent.Outcome;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.sandboxes.SandboxInfo;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * The sandboxes of the tools, one per conversation: created on a conversation's first tool call,
 * reused by its later calls, shut down once unused for the idle timeout, on
 * {@link #release(String)}, and when the application stops. At most {@code max-sandboxes} exist
 * at once; a new conversation beyond that is refused.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class ConversationSandboxes implements SmartLifecycle {

	/**
	 * Stopped after the web server (so that no tool call arrives any more) and before the
	 * client's connections are released (phase 0), so that the shutdowns can still be sent.
	 */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Log logger = LogFactory.getLog(ConversationSandboxes.class);

	private final TogetherSandbox client;

	private final Supplier<CreateSandboxRequest> createRequest;

	private final String workdir;

	private final Duration idleTimeout;

	private final int maxSandboxes;

	private final Set<String> secrets = ConcurrentHashMap.newKeySet();

	/** Guarded by {@code this}. */
	private final Map<String, Binding> bindings = new LinkedHashMap<>();

	/** Guarded by {@code this}. */
	private boolean running;

	/** Guarded by {@code this}. */
	private @Nullable ScheduledExecutorService reaper;

	ConversationSandboxes(TogetherSandbox client, Supplier<CreateSandboxRequest> createRequest, String workdir,
			Duration idleTimeout, int maxSandboxes) {
		if (!workdir.startsWith("/")) {
			throw new IllegalArgumentException(SandboxToolsProperties.PREFIX + ".workdir must be an absolute path, was "
					+ workdir);
		}
		if (idleTimeout.isNegative() || idleTimeout.isZero()) {
			throw new IllegalArgumentException(SandboxToolsProperties.PREFIX + ".idle-timeout must be positive, was "
					+ idleTimeout);
		}
		if (maxSandboxes < 1) {
			throw new IllegalArgumentException(SandboxToolsProperties.PREFIX + ".max-sandboxes must be at least 1, was "
					+ maxSandboxes);
		}
		this.client = client;
		this.createRequest = createRequest;
		this.workdir = workdir;
		this.idleTimeout = idleTimeout;
		this.maxSandboxes = maxSandboxes;
	}

	/**
	 * Returns the id of each conversation's sandbox, for the conversations that have one.
	 * @return conversation id to sandbox id, in the order the conversations started
	 */
	public synchronized Map<String, String> sandboxIds() {
		Map<String, String> ids = new LinkedHashMap<>();
		this.bindings.forEach((conversation, binding) -> {
			Sandbox sandbox = binding.sandbox;
			if (sandbox != null) {
				ids.put(conversation, sandbox.id());
			}
		});
		return ids;
	}

	/**
	 * Shuts down the sandbox of a conversation now, for example when the conversation ends; its
	 * next tool call gets a new sandbox.
	 * @param conversationId the conversation
	 * @return whether the conversation had a sandbox
	 */
	public boolean release(String conversationId) {
		Binding binding;
		synchronized (this) {
			binding = this.bindings.remove(conversationId);
			if (binding == null) {
				return false;
			}
			binding.closed = true;
		}
		shutdown(binding);
		return true;
	}

	/** The secrets of the sandboxes (their agent tokens), which no tool result may show. */
	Set<String> secrets() {
		return this.secrets;
	}

	/**
	 * Returns the conversation's sandbox, creating it on first use, and counts the call until
	 * {@link #done(Binding)}.
	 */
	Binding acquire(String conversationId) {
		Binding binding;
		synchronized (this) {
			if (!this.running) {
				throw new SandboxToolException(Outcome.FAILURE,
						"The sandbox service is stopping; no sandbox is available.");
			}
			binding = this.bindings.get(conversationId);
			if (binding == null) {
				if (this.bindings.size() >= this.maxSandboxes) {
					throw new SandboxToolException(Outcome.LIMIT, "All " + this.maxSandboxes
							+ " sandboxes are in use by other conversations; no new sandbox can be created now."
							+ " Try again later.");
				}
				binding = new Binding(conversationId);
				this.bindings.put(conversationId, binding);
			}
			binding.inFlight++;
			binding.lastUsed = System.nanoTime();
		}
		try {
			synchronized (binding.creation) {
				if (binding.sandbox == null) {
					binding.sandbox = create();
				}
			}
			synchronized (this) {
				if (binding.closed) {
					// Stopped or released while the sandbox was being created: it is shut down here.
					binding.inFlight--;
					shutdown(binding);
					throw new SandboxToolException(Outcome.FAILURE,
							"The sandbox service is stopping; no sandbox is available.");
				}
			}
			return binding;
		}
		catch (RuntimeException ex) {
			synchronized (this) {
				if (!binding.closed && binding.sandbox == null) {
					binding.inFlight--;
					if (binding.inFlight == 0) {
						this.bindings.remove(conversationId, binding);
					}
				}
			}
			throw ex;
		}
	}

	/** Ends a call that {@link #acquire(String)} counted. */
	synchronized void done(Binding binding) {
		binding.inFlight--;
		binding.lastUsed = System.nanoTime();
	}

	private Sandbox create() {
		SandboxInfo info = this.client.sandboxes().create(this.createRequest.get());
		addSecret(info.agentToken());
		try {
			Sandbox sandbox = this.client.sandboxes().start(info.id());
			addSecret(sandbox.vmInfo().agentToken());
			createWorkdir(sandbox);
			logger.debug("Started sandbox " + sandbox.id());
			return sandbox;
		}
		catch (RuntimeException ex) {
			try {
				this.client.sandboxes().shutdown(info.id());
			}
			catch (RuntimeException shutdownFailure) {
				logger.debug("Could not shut down sandbox " + info.id() + " after its failed start: "
						+ shutdownFailure.getMessage());
			}
			throw ex;
		}
	}

	private void createWorkdir(Sandbox sandbox) {
		try {
			sandbox.directories().create(this.workdir);
		}
		catch (HttpException ex) {
			// Most often it exists already (a snapshot may ship it); a real problem shows in the
			// first call that uses it.
			logger.debug("Could not create " + this.workdir + " in sandbox " + sandbox.id() + ": " + ex.getMessage());
		}
	}

	private void addSecret(@Nullable String secret) {
		if (secret != null && !secret.isBlank()) {
			this.secrets.add(secret);
		}
	}

	private void shutdown(Binding binding) {
		Sandbox sandbox = binding.sandbox;
		if (sandbox == null) {
			return;
		}
		try {
			sandbox.shutdown();
			logger.debug("Shut down sandbox " + sandbox.id() + " of conversation " + binding.conversationId);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not shut down sandbox " + sandbox.id() + ": " + ex.getMessage());
		}
		finally {
			sandbox.close();
		}
	}

	private void reapIdle() {
		List<Binding> idle = new ArrayList<>();
		synchronized (this) {
			long now = System.nanoTime();
			this.bindings.values().removeIf((binding) -> {
				boolean expired = binding.inFlight == 0 && binding.sandbox != null
						&& now - binding.lastUsed >= this.idleTimeout.toNanos();
				if (expired) {
					binding.closed = true;
					idle.add(binding);
				}
				return expired;
			});
		}
		idle.forEach(this::shutdown);
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "together-sandbox-ai-idle");
			thread.setDaemon(true);
			return thread;
		});
		// Checks four times per idle timeout, so that a sandbox lives at most 1.25 timeouts unused.
		long period = Math.max(10, Math.min(this.idleTimeout.toMillis() / 4, 30_000));
		executor.scheduleWithFixedDelay(() -> {
			try {
				reapIdle();
			}
			catch (RuntimeException ex) {
				logger.warn("Could not shut down idle sandboxes: " + ex.getMessage());
			}
		}, period, period, TimeUnit.MILLISECONDS);
		this.reaper = executor;
	}

	@Override
	public void stop() {
		List<Binding> all;
		synchronized (this) {
			this.running = false;
			if (this.reaper != null) {
				this.reaper.shutdownNow();
				this.reaper = null;
			}
			all = new ArrayList<>(this.bindings.values());
			all.forEach((binding) -> binding.closed = true);
			this.bindings.clear();
		}
		all.forEach(this::shutdown);
	}

	@Override
	public synchronized boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/** A conversation's sandbox and the calls using it. */
	static final class Binding {

		final String conversationId;

		final Object creation = new Object();

		volatile @Nullable Sandbox sandbox;

		/** Guarded by the registry. */
		int inFlight;

		/** Guarded by the registry. */
		long lastUsed;

		/** Guarded by the registry. */
		boolean closed;

		Binding(String conversationId) {
			this.conversationId = conversationId;
		}

		Sandbox sandbox() {
			Sandbox sandbox = this.sandbox;
			if (sandbox == null) {
				throw new IllegalStateException("not acquired");
			}
			return sandbox;
		}

	}

}
