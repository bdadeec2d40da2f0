package ai.together.sandbox.current;

import java.time.Duration;
import java.util.Map;

import ai.together.sandbox.execs.ExecRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Validation of the current generation's request models and string-backed values. */
class CurrentModelsTest {

	@Test
	void sandboxSpecNeedsExactlyOneSnapshotAndValidResources() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SandboxSpec(null, null, 1, SandboxSpec.DEFAULT_MEMORY_BYTES, null, null, null))
			.withMessage("snapshotId or snapshotAlias is required (exactly one of them)");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SandboxSpec(CurrentWire.SNAPSHOT_ID, "a", 1, SandboxSpec.DEFAULT_MEMORY_BYTES, null,
					null, null))
			.withMessageContaining("must not both be set");
		assertThatIllegalArgumentException().isThrownBy(() -> SandboxSpec.fromSnapshotAlias("a").cpu(0.05).build())
			.withMessageContaining("cpu must be between 0.1 and 16");
		assertThatIllegalArgumentException().isThrownBy(() -> SandboxSpec.fromSnapshotAlias("a").memoryBytes(1).build())
			.withMessageContaining("memoryBytes");
		assertThatIllegalArgumentException().isThrownBy(() -> SandboxSpec.fromSnapshotId("nope").build())
			.withMessageContaining("snapshotId must be a UUID");
		assertThatIllegalArgumentException().isThrownBy(() -> SandboxSpec.fromSnapshotAlias("a").ttl(Duration.ofMillis(1500)))
			.withMessageContaining("whole number of seconds");
		assertThat(SandboxSpec.fromSnapshotAlias("a").ttl(Duration.ofMinutes(2)).build().ttlSeconds()).isEqualTo(120);
	}

	@Test
	void tagKeysFollowTheApiRules() {
		assertThat(SandboxSpec.fromSnapshotAlias("a").tag("team.a-b_c", "x").build().tags())
			.isEqualTo(Map.of("team.a-b_c", "x"));
		assertThatIllegalArgumentException().isThrownBy(() -> SandboxSpec.fromSnapshotAlias("a").tag("-x", "v").build())
			.withMessageContaining("starting and ending with a letter or digit");
		assertThatIllegalArgumentException().isThrownBy(() -> SandboxFilter.builder().tag("a b", "v").build())
			.withMessageContaining("may hold only letters");
		assertThatIllegalArgumentException().isThrownBy(() -> SandboxFilter.builder().tag("k".repeat(60), "v").build());
		assertThatIllegalArgumentException().isThrownBy(() -> SnapshotFilter.builder().limit(101).build())
			.withMessage("limit must be between 1 and 100, was 101");
	}

	@Test
	void statusesAndReasonsKeepUnknownValues() {
		assertThat(LifecycleStatus.of("running")).isSameAs(LifecycleStatus.RUNNING);
		assertThat(LifecycleStatus.of("paused").isKnown()).isFalse();
		assertThat(LifecycleStatus.of("paused").value()).isEqualTo("paused");
		assertThat(LifecycleStatus.STARTING.isTransient()).isTrue();
		assertThat(LifecycleStatus.TERMINATING.isTransient()).isTrue();
		assertThat(LifecycleStatus.RECOVERING.isTransient()).isFalse();
		assertThat(StatusReason.of("oom_killed")).isSameAs(StatusReason.OOM_KILLED);
		assertThat(StatusReason.of("meteor").isKnown()).isFalse();
	}

	@Test
	void terminationHasThreeStates() {
		assertThat(Termination.asConfigured().overridesPolicy()).isFalse();
		assertThat(Termination.withoutSnapshot().overridesPolicy()).isTrue();
		assertThat(Termination.withoutSnapshot().snapshot()).isNull();
		TerminationSnapshot snapshot = TerminationSnapshot.builder().alias("x").build();
		assertThat(Termination.withSnapshot(snapshot).snapshot()).isEqualTo(snapshot);
		assertThatIllegalArgumentException().isThrownBy(() -> Termination.withSnapshot(null))
			.withMessageContaining("Termination.withoutSnapshot()");
	}

	@Test
	void execUserIsCheckedAndExclusiveWithUidAndGid() {
		assertThat(ExecRequest.builder("id").user("node").build().user()).isEqualTo("node");
		assertThat(ExecRequest.builder("id").user(":1000").build().user()).isEqualTo(":1000");
		assertThat(ExecRequest.builder("id").user("node").build().toBuilder().build().user()).isEqualTo("node");
		assertThatIllegalArgumentException().isThrownBy(() -> ExecRequest.builder("id").user(":").build())
			.withMessageStartingWith("user must be \"user[:group]\"");
		assertThatIllegalArgumentException().isThrownBy(() -> ExecRequest.builder("id").user("a:b:c").build());
		assertThatIllegalArgumentException().isThrownBy(() -> ExecRequest.builder("id").user("a b").build());
		assertThatIllegalArgumentException().isThrownBy(() -> ExecRequest.builder("id").user("node").uid(1L).build())
			.withMessageStartingWith("set either user or uid/gid");
	}

	@Test
	void secretsStayOutOfToString() {
		AgentDetails agent = new AgentDetails("1", "agent-token-secret", "http://x");
		assertThat(agent.toString()).doesNotContain("agent-token-secret").contains("[REDACTED]");
	}

}
