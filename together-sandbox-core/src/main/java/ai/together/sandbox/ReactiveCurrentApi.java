package ai.together.sandbox;

import java.util.Map;
import java.util.Objects;

import ai.together.sandbox.internal.current.V1Calls;
import ai.together.sandbox.internal.http.ApiCall;
import ai.together.sandbox.internal.http.ClientContext;
import ai.together.sandbox.internal.util.Args;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;

/**
 * The current API generation of Together Sandbox (upstream 3.2.0 and later, management API
 * under {@code /v1}), in the reactive style: {@code reactiveSdk.current()}. It runs over the
 * same client as the seed's generation ({@code reactiveSdk.sandboxes()}, under {@code /api/v1}):
 * same credentials, connection pool, retries, timeouts and observations; picking it is choosing
 * these namespaces, not a client mode.
 * <pre>{@code
 * sdk.current().sandboxes().create(SandboxSpec.fromSnapshotAlias("my-app@v1").build())
 *     .flatMap((sandbox) -> sandbox.execs().run(ExecRequest.of("npm", "test"))
 *         .flatMap((result) -> sandbox.terminate().thenReturn(result)));
 * }</pre>
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class ReactiveCurrentApi {

	private final ClientContext context;

	private final ReactiveSandboxFleet sandboxes;

	private final ReactiveSnapshotCatalog snapshots;

	ReactiveCurrentApi(ClientContext context) {
		this.context = Objects.requireNonNull(context, "context");
		this.sandboxes = new ReactiveSandboxFleet(context);
		this.snapshots = new ReactiveSnapshotCatalog(context);
	}

	/**
	 * Sandboxes: create (running, connected), get, list in pages, batch get, terminate, wait.
	 * @return the sandboxes namespace
	 */
	public ReactiveSandboxFleet sandboxes() {
		return this.sandboxes;
	}

	/**
	 * Snapshots: register, get by id or alias, list in pages, batch get, retire, aliases,
	 * registry credentials.
	 * @return the snapshots namespace
	 */
	public ReactiveSnapshotCatalog snapshots() {
		return this.snapshots;
	}

	/**
	 * Checks that the API key may act on a project ({@code POST /v1/authorize}, operation
	 * {@code api.authorize}); an answer other than 2xx fails with an {@code HttpException}.
	 * @param projectId the project ({@code proj_…}, {@code ws_…} or a registry id)
	 * @return completion
	 */
	public Mono<Void> authorize(String projectId) {
		Args.id(projectId, "projectId");
		ApiCall call = V1Calls.call(this.context, "api.authorize", null, HttpMethod.POST, "/authorize")
			.withJson(Map.of("project_id", projectId));
		return this.context.transport().call(call);
	}

	/**
	 * Returns the blocking view.
	 * @return the blocking view
	 */
	public CurrentApi blocking() {
		return new CurrentApi(this);
	}

	@Override
	public String toString() {
		return "ReactiveCurrentApi[baseUrl=" + this.context.origin() + V1Calls.PREFIX + "]";
	}

}
