package ai.together.sandbox;

import java.util.List;
import java.util.Objects;

import ai.together.sandbox.current.LifecycleStatus;
import ai.together.sandbox.current.SandboxDetails;
import ai.together.sandbox.current.SandboxFilter;
import ai.together.sandbox.current.SandboxSpec;
import ai.together.sandbox.current.Termination;
import ai.together.sandbox.errors.SandboxLifecycleException;
import ai.together.sandbox.internal.current.Lifecycle;
import ai.together.sandbox.internal.current.PageBody;
import ai.together.sandbox.internal.current.QueryString;
import ai.together.sandbox.internal.current.V1Calls;
import ai.together.sandbox.internal.http.ApiCall;
import ai.together.sandbox.internal.http.ClientContext;
import ai.together.sandbox.internal.http.HttpTransport;
import ai.together.sandbox.internal.json.Json;
import ai.together.sandbox.internal.util.Args;
import ai.together.sandbox.internal.util.Repr;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpMethod;

/**
 * The sandboxes of the current API generation ({@code /v1}), in the reactive style: obtain it
 * from {@code sdk.current().sandboxes()}. A sandbox is created running and connected at once;
 * it is never stopped and started again but terminated, optionally leaving a snapshot that a
 * new sandbox boots from. Nothing is sent until a returned publisher is subscribed to.
 * <p>
 * Every call is retried according to the client's {@code RetryConfig}, under the upstream
 * SDKs' operation names {@code api.createSandbox}, {@code api.waitForSandbox},
 * {@code api.getSandbox}, {@code api.listSandboxes}, {@code api.batchGetSandboxes} and
 * {@code api.terminateSandbox}. As upstream, {@code create} is retried too although it is not
 * idempotent (a retried create after a lost response may create a second sandbox): exclude
 * {@value #CREATE_OPERATION} with {@code RetryConfig.builder().excludedOperations(..)} when that
 * matters. Terminating twice is harmless.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class ReactiveSandboxFleet {

	/** The operation name of {@link #create(SandboxSpec)}'s {@code POST /v1/sandboxes}. */
	public static final String CREATE_OPERATION = "api.createSandbox";

	private static final Json.LazyType PAGE = V1Calls.pageType(SandboxDetails.class);

	private static final Json.LazyType LIST = Json.listOf(SandboxDetails.class);

	private final ClientContext context;

	ReactiveSandboxFleet(ClientContext context) {
		this.context = Objects.requireNonNull(context, "context");
	}

	/**
	 * Creates a sandbox, which starts at once, waits until it runs (only when the create answer
	 * says {@code starting} or {@code terminating}) and connects to it.
	 * @param spec what to create
	 * @return the connected sandbox
	 * @throws SandboxLifecycleException (through the Mono) when the sandbox does not end up
	 * running with agent connection details; the message says what its status and reason mean
	 */
	public Mono<ReactiveRunningSandbox> create(SandboxSpec spec) {
		Args.notNull(spec, "spec");
		ApiCall call = V1Calls.call(this.context, CREATE_OPERATION, null, HttpMethod.POST, "/sandboxes").withJson(spec);
		return transport().call(call, this::readSandbox)
			.flatMap((created) -> created.status().isTransient() ? waitFor(created.id(), false) : Mono.just(created))
			.map((settled) -> new ReactiveRunningSandbox(this, this.context, Lifecycle.requireRunning(settled)));
	}

	/**
	 * Gets a sandbox.
	 * @param sandboxId the sandbox id (a UUID)
	 * @return the sandbox
	 */
	public Mono<SandboxDetails> get(String sandboxId) {
		String id = Args.uuid(sandboxId, "sandboxId");
		return transport().call(sandboxCall("api.getSandbox", HttpMethod.GET, id, ""), this::readSandbox);
	}

	/**
	 * Lists the first page of the project's sandboxes.
	 * @return the first page
	 */
	public Mono<ReactivePage<SandboxDetails>> list() {
		return list(SandboxFilter.all());
	}

	/**
	 * Lists a page of the project's sandboxes: those matching the filter, from its cursor.
	 * @param filter the filter, page size and cursor
	 * @return the page; {@link ReactivePage#all()} walks the later pages
	 */
	public Mono<ReactivePage<SandboxDetails>> list(SandboxFilter filter) {
		Args.notNull(filter, "filter");
		QueryString query = new QueryString().page(filter.limit(), filter.cursor());
		for (LifecycleStatus status : filter.statuses()) {
			query.add("statuses[]", status.value());
		}
		if (filter.snapshotId() != null) {
			query.add("snapshot_id", filter.snapshotId());
		}
		query.tags(filter.tags());
		ApiCall call = V1Calls.call(this.context, "api.listSandboxes", null, HttpMethod.GET, "/sandboxes" + query);
		return transport().call(call, (status, body) -> this.<PageBody<SandboxDetails>>learnAll(Json.read(body, PAGE)))
			.map((page) -> new ReactivePage<>(page.data(), page.nextCursor(),
					(cursor) -> list(filter.withCursor(cursor))));
	}

	/**
	 * Gets several sandboxes in one request.
	 * @param sandboxIds 1 to 100 distinct sandbox ids (UUIDs)
	 * @return the sandboxes found, in the order asked for; unknown ids are left out
	 */
	public Mono<List<SandboxDetails>> batchGet(List<String> sandboxIds) {
		String query = V1Calls.batchQuery(sandboxIds);
		ApiCall call = V1Calls.call(this.context, "api.batchGetSandboxes", null, HttpMethod.GET,
				"/sandboxes/batch" + query);
		return transport().call(call, (status, body) -> this.<List<SandboxDetails>>learnAll(Json.read(body, LIST)));
	}

	/**
	 * Terminates a sandbox as its termination policy says and waits until it has terminated.
	 * @param sandboxId the sandbox id
	 * @return the terminated sandbox
	 */
	public Mono<SandboxDetails> terminate(String sandboxId) {
		return terminate(sandboxId, Termination.asConfigured());
	}

	/**
	 * Terminates a sandbox and waits until it has terminated. A snapshot it leaves is aliased
	 * {@code sandbox:<id>} ({@link SandboxDetails#terminationSnapshotAlias()}) plus the aliases
	 * asked for.
	 * @param sandboxId the sandbox id
	 * @param termination whether to snapshot: as configured, without or with a snapshot
	 * @return the terminated sandbox
	 * @throws SandboxLifecycleException (through the Mono) when it does not end up terminated
	 */
	public Mono<SandboxDetails> terminate(String sandboxId, Termination termination) {
		String id = Args.uuid(sandboxId, "sandboxId");
		Args.notNull(termination, "termination");
		ObjectNode body = Json.mapper().createObjectNode();
		if (termination.overridesPolicy()) {
			// Three states on the wire: no key (the policy), null (no snapshot), an object.
			if (termination.snapshot() == null) {
				body.putNull("snapshot");
			}
			else {
				body.set("snapshot", Json.mapper().valueToTree(termination.snapshot()));
			}
		}
		ApiCall call = sandboxCall("api.terminateSandbox", HttpMethod.POST, id, "/terminate")
			.withBody(Json.write(body), "application/json");
		return transport().call(call).then(waitFor(id, true)).map(Lifecycle::requireTerminated);
	}

	/**
	 * Waits on the server until a sandbox has settled (is neither starting nor terminating); the
	 * call's response timeout is the client's {@code lifecycleTimeout}.
	 * @param sandboxId the sandbox id
	 * @return the sandbox at a settled status
	 */
	public Mono<SandboxDetails> waitFor(String sandboxId) {
		return waitFor(Args.uuid(sandboxId, "sandboxId"), true);
	}

	/**
	 * Connects to a running sandbox (created earlier, by this process or another): gets it once
	 * for its agent connection details. Closing the returned sandbox does not terminate it.
	 * @param sandboxId the sandbox id
	 * @return the connected sandbox
	 * @throws SandboxLifecycleException (through the Mono) when it does not run
	 */
	public Mono<ReactiveRunningSandbox> connect(String sandboxId) {
		return get(sandboxId).map(this::connect);
	}

	/**
	 * Connects to a running sandbox from what the management API reported about it, without any
	 * I/O.
	 * @param details the sandbox, running, with its agent URL and token
	 * @return the connected sandbox
	 * @throws SandboxLifecycleException when it does not run or has no agent connection details
	 */
	public ReactiveRunningSandbox connect(SandboxDetails details) {
		Args.notNull(details, "details");
		return new ReactiveRunningSandbox(this, this.context, Lifecycle.requireRunning(details));
	}

	private Mono<SandboxDetails> waitFor(String id, boolean withContext) {
		ApiCall call = V1Calls
			.call(this.context, "api.waitForSandbox", withContext ? Repr.context("sandbox", id) : null, HttpMethod.POST,
					"/sandboxes/" + V1Calls.segment(id) + "/wait")
			.withSandboxId(id)
			.withTimeout(this.context.lifecycleTimeout(), "lifecycleTimeout");
		return transport().call(call, this::readSandbox);
	}

	private ApiCall sandboxCall(String operation, HttpMethod method, String id, String rest) {
		return V1Calls
			.call(this.context, operation, Repr.context("sandbox", id), method, "/sandboxes/" + V1Calls.segment(id) + rest)
			.withSandboxId(id);
	}

	private SandboxDetails readSandbox(int status, java.io.InputStream body) throws java.io.IOException {
		SandboxDetails details = Json.read(body, SandboxDetails.class);
		learn(details);
		return details;
	}

	private <T> T learnAll(T value) {
		// A listed sandbox's agent token, quoted by a later error, is redacted too.
		if (value instanceof PageBody<?> page) {
			page.data().forEach(this::learn);
		}
		else if (value instanceof List<?> list) {
			list.forEach(this::learn);
		}
		return value;
	}

	private void learn(Object value) {
		if (value instanceof SandboxDetails details) {
			transport().redactor().learn(details.agent().token());
		}
	}

	private HttpTransport transport() {
		return this.context.transport();
	}

}
