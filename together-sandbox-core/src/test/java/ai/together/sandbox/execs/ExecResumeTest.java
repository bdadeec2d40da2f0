package ai.together.sandbox.execs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import ai.together.sandbox.TestClients;
import ai.together.sandbox.core.StreamResponse;
import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.testing.FakeSandboxExtension;
import ai.together.sandbox.testing.FakeSandboxServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import static ai.together.sandbox.testing.AgentResponses.events;
import static ai.together.sandbox.testing.AgentResponses.output;
import static ai.together.sandbox.testing.AgentResponses.sse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code streamOutput} resumes after a dropped connection from the last sequence it delivered.
 */
class ExecResumeTest {

	@RegisterExtension
	final FakeSandboxExtension fake = TestClients.fakeSandbox();

	/** Messages 1 to 9, the last one carrying exit code 0. */
	private static String message(int sequence) {
		return output(sequence, (sequence % 2 == 0) ? "stderr" : "stdout", "chunk " + sequence + "\n",
				(sequence == 9) ? 0 : null);
	}

	private static Flux<String> messages(int from, int to) {
		return Flux.range(from, to - from + 1).map((sequence) -> events(message(sequence)));
	}

	@Test
	void reconnectsWithLastSequenceAndDeliversEveryChunkExactlyOnce() {
		AtomicInteger connection = new AtomicInteger();
		this.fake.connect((request, response) -> switch (connection.incrementAndGet()) {
			// The connection closes in the middle of the body (a transport failure).
			case 1 -> sse(response).sendString(messages(1, 3)).then().then(request.closeConnection());
			// A clean end of the body before the exit message.
			case 2 -> sse(response).sendString(messages(4, 6));
			default -> sse(response).sendString(messages(7, 9));
		});

		List<ExecOutput> received = new ArrayList<>();
		try (StreamResponse<ExecOutput> output = this.fake.sandbox().execs().streamOutput("exec-1")) {
			output.stream().forEach(received::add);
		}

		assertThat(received).extracting(ExecOutput::sequence).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
		assertThat(received).extracting(ExecOutput::output)
			.containsExactly("chunk 1\n", "chunk 2\n", "chunk 3\n", "chunk 4\n", "chunk 5\n", "chunk 6\n", "chunk 7\n",
					"chunk 8\n", "chunk 9\n");
		assertThat(received.get(8).exitCode()).isZero();
		assertThat(this.fake.server().uris()).containsExactly("/api/v1/stream/execs/exec-1/io",
				"/api/v1/stream/execs/exec-1/io?lastSequence=3", "/api/v1/stream/execs/exec-1/io?lastSequence=6");
		assertThat(this.fake.server().requests()).allSatisfy((request) -> assertThat(request.authorization())
			.isEqualTo("Bearer " + FakeSandboxServer.AGENT_TOKEN));
	}

	@Test
	void dropsMessagesAServerReplaysAfterAReconnect() {
		AtomicInteger connection = new AtomicInteger();
		this.fake.connect((request, response) -> (connection.incrementAndGet() == 1)
				? sse(response).sendString(messages(1, 5)).then().then(request.closeConnection())
				// This server ignores lastSequence and replays from the start.
				: sse(response).sendString(messages(1, 9)));

		StepVerifier.create(this.fake.reactive().execs().streamOutput("exec-1", 0).map(ExecOutput::sequence))
			.expectNext(1, 2, 3, 4, 5, 6, 7, 8, 9)
			.expectComplete()
			.verify(Duration.ofSeconds(10));
		assertThat(this.fake.server().uris()).containsExactly("/api/v1/stream/execs/exec-1/io?lastSequence=0",
				"/api/v1/stream/execs/exec-1/io?lastSequence=5");
	}

	@Test
	void givesUpAfterThreeReconnectsInARowWithoutNewOutput() {
		AtomicInteger connection = new AtomicInteger();
		this.fake.connect((request, response) -> (connection.incrementAndGet() == 1) ? sse(response).sendString(messages(1, 2))
				: sse(response).sendString(Flux.just(": nothing new\n\n")));

		StepVerifier.create(this.fake.reactive().execs().streamOutput("exec-1").map(ExecOutput::sequence))
			.expectNext(1, 2)
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(TogetherSandboxException.class)
				.hasMessage("execs.streamOutput for id 'exec-1': the connection dropped and 3 reconnects in a row "
						+ "brought no new output (last sequence delivered: 2); last failure: the server ended the "
						+ "output stream before the exit message"))
			.verify(Duration.ofSeconds(20));
		// The first connection, then 3 reconnects.
		assertThat(this.fake.server().uris()).hasSize(4)
			.first()
			.isEqualTo("/api/v1/stream/execs/exec-1/io");
		assertThat(this.fake.server().uris().subList(1, 4)).containsOnly("/api/v1/stream/execs/exec-1/io?lastSequence=2");
	}

	@Test
	void reconnectsAfterAFailedConnectAttempt() {
		AtomicInteger connection = new AtomicInteger();
		this.fake.connect((request, response) -> {
			if (connection.incrementAndGet() == 2) {
				// Accept the request, then drop the connection without any response.
				return request.closeConnection();
			}
			return sse(response).sendString((connection.get() == 1) ? messages(1, 4) : messages(5, 9));
		});

		StepVerifier.create(this.fake.reactive().execs().streamOutput("exec-1").map(ExecOutput::sequence))
			.expectNext(1, 2, 3, 4, 5, 6, 7, 8, 9)
			.expectComplete()
			.verify(Duration.ofSeconds(10));
		assertThat(this.fake.server().uris()).containsExactly("/api/v1/stream/execs/exec-1/io",
				"/api/v1/stream/execs/exec-1/io?lastSequence=4", "/api/v1/stream/execs/exec-1/io?lastSequence=4");
	}

}
