package ai.together.sandbox.sample.runs;

import java.net.URI;
import java.util.Objects;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The HTTP API of runs:
 * <ul>
 * <li>{@code POST /runs} runs a command in a fresh sandbox and answers, once the sandbox is shut
 * down, with the exit code and output ({@code 200}; {@code 502} when a step other than the
 * command failed; {@code 503} when the application stopped meanwhile). With {@code ?wait=false}
 * it answers {@code 202} at once, with the run id and a {@code Location}.</li>
 * <li>{@code GET /runs/{id}} returns the run's current state.</li>
 * <li>{@code GET /runs/{id}/events} streams the run as server-sent events: {@code status},
 * {@code output} and {@code exit} (see {@link RunEvents}), replayed from the start, then live;
 * the stream ends after the final status.</li>
 * </ul>
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
@RestController
@RequestMapping("/runs")
public class RunController {

	private final SandboxRuns runs;

	/**
	 * Creates the controller.
	 * @param runs the service
	 */
	public RunController(SandboxRuns runs) {
		this.runs = Objects.requireNonNull(runs, "runs");
	}

	/**
	 * Runs a command in a fresh sandbox.
	 * @param request the command, arguments and files
	 * @param wait whether to answer when the run has ended (default) or at once
	 * @return the run
	 */
	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
	public Mono<ResponseEntity<RunView>> create(@RequestBody RunRequest request,
			@RequestParam(defaultValue = "true") boolean wait) {
		RunView submitted = this.runs.submit(request);
		if (!wait) {
			return Mono.just(ResponseEntity.accepted().location(URI.create("/runs/" + submitted.id())).body(submitted));
		}
		return this.runs.completion(submitted.id())
			.orElseThrow(() -> new IllegalStateException("Run " + submitted.id() + " disappeared"))
			.map((done) -> ResponseEntity.status(statusOf(done)).body(done));
	}

	/**
	 * Returns a run's current state.
	 * @param id the run id
	 * @return the run
	 */
	@GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	public RunView get(@PathVariable String id) {
		return this.runs.view(id).orElseThrow(() -> notFound(id));
	}

	/**
	 * Streams a run's events.
	 * @param id the run id
	 * @return the events, from the start of the run to its end
	 */
	@GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	public Flux<ServerSentEvent<Object>> events(@PathVariable String id) {
		return this.runs.events(id).orElseThrow(() -> notFound(id));
	}

	/**
	 * Answers an invalid request with {@code 400} and the reason.
	 * @param ex the validation failure
	 * @return the problem
	 */
	@ExceptionHandler(IllegalArgumentException.class)
	public ProblemDetail invalid(IllegalArgumentException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	/**
	 * Answers a request that arrives while the application stops with {@code 503}.
	 * @param ex the refusal
	 * @return the problem
	 */
	@ExceptionHandler(IllegalStateException.class)
	public ProblemDetail stopping(IllegalStateException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage());
	}

	private static HttpStatus statusOf(RunView run) {
		return switch (run.status()) {
			case FINISHED -> HttpStatus.OK;
			case CANCELLED -> HttpStatus.SERVICE_UNAVAILABLE;
			default -> HttpStatus.BAD_GATEWAY;
		};
	}

	private static ResponseStatusException notFound(String id) {
		return new ResponseStatusException(HttpStatus.NOT_FOUND, "No run " + id);
	}

}
