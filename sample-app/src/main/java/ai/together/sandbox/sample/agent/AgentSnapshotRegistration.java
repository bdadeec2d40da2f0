package ai.together.sandbox.sample.agent;

import ai.together.sandbox.sample.SnapshotRegistration;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Component;

/**
 * Registers the sample's snapshot when the web service starts, so that the sandbox tools (which
 * MCP clients call without going through the sample's code) find it when they create a
 * conversation's sandbox. A failure is logged; the tools then answer that the alias is missing.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
@Component
@ConditionalOnWebApplication
public class AgentSnapshotRegistration implements ApplicationRunner {

	private static final Log logger = LogFactory.getLog(AgentSnapshotRegistration.class);

	private final SnapshotRegistration snapshots;

	/**
	 * Creates the runner.
	 * @param snapshots the sample's snapshot registration
	 */
	public AgentSnapshotRegistration(SnapshotRegistration snapshots) {
		this.snapshots = snapshots;
	}

	@Override
	public void run(ApplicationArguments args) {
		try {
			this.snapshots.ensureAvailable().block();
		}
		catch (RuntimeException ex) {
			logger.warn("The snapshot of the sandbox tools is not available yet: " + ex.getMessage());
		}
	}

}
