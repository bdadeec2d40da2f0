package ai.together.sandbox.emulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ai.together.sandbox.CurrentApi;
import ai.together.sandbox.Page;
import ai.together.sandbox.ReactiveCurrentApi;
import ai.together.sandbox.ReactivePage;
import ai.together.sandbox.RunningSandbox;
import ai.together.sandbox.SandboxExecs;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.current.LifecycleStatus;
import ai.together.sandbox.current.SandboxDetails;
import ai.together.sandbox.current.SandboxFilter;
import ai.together.sandbox.current.SandboxSpec;
import ai.together.sandbox.current.SnapshotDetails;
import ai.together.sandbox.current.SnapshotFilter;
import ai.together.sandbox.current.SnapshotSpec;
import ai.together.sandbox.current.StatusReason;
import ai.together.sandbox.current.Termination;
import ai.together.sandbox.current.TerminationSnapshot;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.execs.ExecItem;
import ai.together.sandbox.execs.ExecRequest;
import ai.together.sandbox.execs.ExecStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The scenarios of the current API generation ({@code /v1} management API, the 1.9.0+ agent exec
 * dialect), driven by the Java client's {@code sdk.current()} against the emulator: create
 * (running, with ttl and tags), get, list with tag and status filters across pages, files, the
 * exec start rules, terminate with and without a snapshot, a sandbox created from a termination
 * snapshot's alias, snapshot pages, retire, a bad key; and a reactive smoke. Each scenario tags
 * what it creates with its own value so that listing sees only its own sandboxes and snapshots.
 */
class CurrentGenerationScenariosTest {

	@RegisterExtension
	static SandboxEmulatorExtension emulator = new SandboxEmulatorExtension();

	private static TogetherSandbox sdk;

	private static CurrentApi api;

	private static SnapshotDetails image;

	@BeforeAll
	static void connectAndRegisterImage() {
		sdk = TogetherSandbox.builder()
			.baseUrl(emulator.baseUrl())
			.apiKey(emulator.apiKey())
			.responseTimeout(Duration.ofSeconds(10))
			.lifecycleTimeout(Duration.ofSeconds(20))
			.build();
		api = sdk.current();
		image = api.snapshots().register(SnapshotSpec.of("alpine:3"), "scenarios@base");
	}

	@AfterAll
	static void disconnect() {
		sdk.close();
	}

	private static String run() {
		return UUID.randomUUID().toString().substring(0, 8);
	}

	private static SandboxSpec.Builder fromImage() {
		return SandboxSpec.fromSnapshotId(image.id());
	}

	@Test
	void createIsRunningWithTtlAndTagsAndGetReturnsIt() {
		String run = run();
		try (RunningSandbox sandbox = api.sandboxes()
			.create(fromImage().ttl(Duration.ofHours(1)).tag("run", run).tag("team", "sdk").build())) {
			SandboxDetails created = sandbox.details();
			assertThat(created.status()).isEqualTo(LifecycleStatus.RUNNING);
			assertThat(created.statusReason()).isEqualTo(StatusReason.COLD_STARTED);
			assertThat(created.ttlSeconds()).isEqualTo(3600L);
			assertThat(created.tags()).isEqualTo(Map.of("run", run, "team", "sdk"));
			assertThat(created.snapshotId()).isEqualTo(image.id());

			SandboxDetails got = api.sandboxes().get(sandbox.id());
			assertThat(got.id()).isEqualTo(sandbox.id());
			assertThat(got.status()).isEqualTo(LifecycleStatus.RUNNING);
			assertThat(got.ttlSeconds()).isEqualTo(3600L);
			assertThat(got.tags()).isEqualTo(created.tags());
			assertThat(sandbox.terminate(Termination.withoutSnapshot()).status()).isEqualTo(LifecycleStatus.TERMINATED);
		}
	}

	@Test
	void listFiltersByTagAndStatusAcrossPages() {
		String run = run();
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			try (RunningSandbox sandbox = api.sandboxes().create(fromImage().tag("run", run).build())) {
				ids.add(sandbox.id());
			}
		}
		// Another run's sandbox must not show up under this run's tag.
		String other = api.sandboxes().create(fromImage().tag("run", run + "-other").build()).id();
		api.sandboxes().terminate(ids.get(4), Termination.withoutSnapshot());

		SandboxFilter running = SandboxFilter.builder().limit(2).tag("run", run).statuses(LifecycleStatus.RUNNING).build();
		Page<SandboxDetails> first = api.sandboxes().list(running);
		assertThat(first.data()).hasSize(2);
		assertThat(first.hasNextPage()).isTrue();
		Page<SandboxDetails> second = first.nextPage();
		assertThat(second.data()).hasSize(2);
		assertThat(second.hasNextPage()).isFalse();
		assertThat(first).extracting(SandboxDetails::id).containsExactlyInAnyOrderElementsOf(ids.subList(0, 4));
		assertThat(first.stream().map(SandboxDetails::status)).containsOnly(LifecycleStatus.RUNNING);

		Page<SandboxDetails> terminated = api.sandboxes()
			.list(SandboxFilter.builder().limit(2).tag("run", run).statuses(LifecycleStatus.TERMINATED).build());
		assertThat(terminated).extracting(SandboxDetails::id).containsExactly(ids.get(4));
		Page<SandboxDetails> either = api.sandboxes()
			.list(SandboxFilter.builder()
				.limit(1)
				.tag("run", run)
				.statuses(LifecycleStatus.RUNNING, LifecycleStatus.TERMINATED)
				.build());
		assertThat(either).extracting(SandboxDetails::id).containsExactlyInAnyOrderElementsOf(ids);
		assertThat(api.sandboxes().batchGet(List.of(ids.get(1), ids.get(0)))).extracting(SandboxDetails::id)
			.containsExactly(ids.get(1), ids.get(0));

		ids.subList(0, 4).forEach(api.sandboxes()::terminate);
		api.sandboxes().terminate(other);
		assertThat(api.sandboxes().list(running).data()).isEmpty();
	}

	@Test
	void filesAndExecStartRules() {
		try (RunningSandbox sandbox = api.sandboxes().create(fromImage().build())) {
			sandbox.files().create("/workspace/hello.txt", "hello current");
			assertThat(sandbox.files().read("/workspace/hello.txt")).isEqualTo("hello current");
			SandboxExecs execs = sandbox.execs();

			// A created exec starts (200), and starting it again while it runs is 200 too.
			// The emulator runs execs on this machine: paths in commands are relative to cwd.
			ExecItem created = execs.create(ExecRequest.builder("sh")
				.args("-c", "echo $$ > exec.pid; exec sleep 30")
				.cwd("/workspace")
				.autorun(false)
				.build());
			assertThat(created.status()).isEqualTo(ExecStatus.of("CREATED"));
			ExecItem started = execs.start(created.id());
			assertThat(started.status()).isEqualTo(ExecStatus.RUNNING);
			assertThat(started.pid()).isPositive();
			ExecItem again = execs.start(created.id());
			assertThat(again.status()).isEqualTo(ExecStatus.RUNNING);
			assertThat(again.pid()).isEqualTo(started.pid());

			// Stopped: the running exec is killed by a signal; it can no longer start (409).
			await().atMost(Duration.ofSeconds(10))
				.ignoreException(HttpException.class)
				.until(() -> sandbox.files().read("/workspace/exec.pid").strip(), (pid) -> !pid.isEmpty());
			assertThat(execs.run(ExecRequest.builder("sh").args("-c", "kill -TERM $(cat exec.pid)").cwd("/workspace").build())
				.exitCode()).isZero();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> execs.get(created.id()).status(), ExecStatus.of("EXITED")::equals);
			assertConflict(() -> execs.start(created.id()));

			// Exited: an exec that ran to its end can no longer start (409).
			ExecItem quick = execs.create(ExecRequest.builder("cat").args("hello.txt").cwd("/workspace").build());
			await().atMost(Duration.ofSeconds(10)).until(() -> execs.get(quick.id()).exitCode(), (code) -> code != null);
			assertThat(execs.get(quick.id()).exitCode()).isZero();
			assertThat(execs.get(quick.id()).status()).isEqualTo(ExecStatus.of("EXITED"));
			assertConflict(() -> execs.start(quick.id()));

			assertThat(execs.run(ExecRequest.builder("cat").args("hello.txt").cwd("/workspace").build()).stdout())
				.isEqualTo("hello current");
			sandbox.terminate();
		}
	}

	private static void assertConflict(Runnable start) {
		assertThatThrownBy(start::run).isInstanceOfSatisfying(HttpException.class, (ex) -> {
			assertThat(ex.status()).isEqualTo(409);
			assertThat(ex.operation()).isEqualTo("sandbox.execs.start");
		});
	}

	@Test
	void terminateWithoutSnapshotKeepsNothing() {
		try (RunningSandbox sandbox = api.sandboxes()
			.create(fromImage().snapshotOnTermination(TerminationSnapshot.defaults()).build())) {
			sandbox.files().create("/workspace/gone.txt", "gone");
			SandboxDetails terminated = sandbox.terminate(Termination.withoutSnapshot());
			assertThat(terminated.status()).isEqualTo(LifecycleStatus.TERMINATED);
			assertThat(terminated.statusReason()).isEqualTo(StatusReason.TERMINATION_REQUESTED);
			assertThat(api.sandboxes().get(sandbox.id()).status()).isEqualTo(LifecycleStatus.TERMINATED);
			// The stored policy would have kept a snapshot: the override kept none.
			assertThatThrownBy(() -> api.snapshots().getByAlias(terminated.terminationSnapshotAlias()))
				.isInstanceOfSatisfying(HttpException.class, (ex) -> assertThat(ex.status()).isEqualTo(404));
			assertThatThrownBy(() -> api.sandboxes()
				.create(SandboxSpec.fromSnapshotAlias(terminated.terminationSnapshotAlias()).build()))
				.isInstanceOf(HttpException.class);
		}
	}

	@Test
	void terminateWithSnapshotThenCreateFromItsAliasKeepsFiles() {
		String alias = "scenarios@" + run();
		try (RunningSandbox sandbox = api.sandboxes().create(fromImage().build())) {
			sandbox.files().create("/workspace/keep.txt", "kept across sandboxes");
			SandboxDetails terminated = sandbox
				.terminate(Termination.withSnapshot(TerminationSnapshot.builder().alias(alias).build()));
			assertThat(terminated.status()).isEqualTo(LifecycleStatus.TERMINATED);
			SnapshotDetails snapshot = api.snapshots().getByAlias(alias);
			assertThat(api.snapshots().getByAlias(terminated.terminationSnapshotAlias()).id()).isEqualTo(snapshot.id());

			try (RunningSandbox next = api.sandboxes().create(SandboxSpec.fromSnapshotAlias(alias).build())) {
				assertThat(next.id()).isNotEqualTo(sandbox.id());
				assertThat(next.details().snapshotId()).isEqualTo(snapshot.id());
				assertThat(next.files().read("/workspace/keep.txt")).isEqualTo("kept across sandboxes");
				next.terminate(Termination.withoutSnapshot());
			}
		}
	}

	@Test
	void snapshotListPagesAndRetire() {
		String run = run();
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			ids.add(api.snapshots().register(SnapshotSpec.builder("alpine:3").tag("run", run).build()).id());
		}
		Page<SnapshotDetails> first = api.snapshots().list(SnapshotFilter.builder().limit(2).tag("run", run).build());
		assertThat(first.data()).hasSize(2);
		assertThat(first.hasNextPage()).isTrue();
		assertThat(first.nextPage().data()).hasSize(1);
		assertThat(first).extracting(SnapshotDetails::id).containsExactlyInAnyOrderElementsOf(ids);

		SnapshotDetails retired = api.snapshots().retire(ids.get(0));
		assertThat(retired.isRetired()).isTrue();
		assertThat(api.snapshots().get(ids.get(0)).isRetired()).isTrue();
		assertThat(api.snapshots().list(SnapshotFilter.builder().limit(1).tag("run", run).excludeRetired(true).build()))
			.extracting(SnapshotDetails::id)
			.containsExactlyInAnyOrderElementsOf(ids.subList(1, 3));
		assertThat(api.snapshots().list(SnapshotFilter.builder().limit(1).tag("run", run).build()))
			.extracting(SnapshotDetails::id)
			.containsExactlyInAnyOrderElementsOf(ids);
		// A retired snapshot creates no more sandboxes.
		assertThatThrownBy(() -> api.sandboxes().create(SandboxSpec.fromSnapshotId(ids.get(0)).build()))
			.isInstanceOfSatisfying(HttpException.class, (ex) -> assertThat(ex.status()).isEqualTo(400));
	}

	@Test
	void aBadKeyIsRefused() {
		try (TogetherSandbox bad = TogetherSandbox.builder()
			.baseUrl(emulator.baseUrl())
			.apiKey("not-the-emulator-key")
			.build()) {
			assertThatThrownBy(() -> bad.current().sandboxes().list()).isInstanceOfSatisfying(HttpException.class,
					(ex) -> assertThat(ex.status()).isEqualTo(401));
			assertThatThrownBy(() -> bad.current().snapshots().get(image.id()))
				.isInstanceOfSatisfying(HttpException.class, (ex) -> assertThat(ex.status()).isEqualTo(401));
		}
	}

	@Test
	void reactiveSmoke() {
		String run = run();
		ReactiveCurrentApi reactive = api.reactive();
		String content = reactive.sandboxes()
			.create(fromImage().tag("run", run).build())
			.flatMap((sandbox) -> sandbox.files()
				.create("/workspace/reactive.txt", "reactive")
				.then(sandbox.files().read("/workspace/reactive.txt"))
				.flatMap((read) -> sandbox.terminate().thenReturn(read))
				.doFinally((signal) -> sandbox.close()))
			.block(Duration.ofSeconds(30));
		assertThat(content).isEqualTo("reactive");
		List<SandboxDetails> listed = reactive.sandboxes()
			.list(SandboxFilter.builder().limit(1).tag("run", run).build())
			.flatMapMany(ReactivePage::all)
			.collectList()
			.block(Duration.ofSeconds(10));
		assertThat(listed).singleElement()
			.satisfies((details) -> assertThat(details.status()).isEqualTo(LifecycleStatus.TERMINATED));
		assertThat(reactive.sandboxes().get(listed.get(0).id()).map(SandboxDetails::statusReason).block(Duration.ofSeconds(10)))
			.isEqualTo(StatusReason.TERMINATION_REQUESTED);
	}

}
