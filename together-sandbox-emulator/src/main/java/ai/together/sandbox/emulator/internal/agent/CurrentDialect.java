package ai.together.sandbox.emulator.internal.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import ai.together.sandbox.emulator.internal.exec.ExecProcess;
import ai.together.sandbox.emulator.internal.http.ApiException;
import ai.together.sandbox.emulator.internal.http.RouteTable.Handler;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The exec dialect of the current agent generation (upstream 1.9.0 and later), spoken by the agent
 * of a sandbox created through {@code /v1}; a seed sandbox's agent keeps the seed dialect. Each
 * agent speaks only its own: the current agent removed {@code PUT /execs/{id}} (answered 405
 * here, the path still having {@code GET} and {@code DELETE}), and the seed agent never had
 * {@code POST /execs/{id}/start} (answered 404).
 *
 * <p>The emulator runs every exec as its own user: a {@code user} that resolves to its own uid
 * and gid is accepted (and echoed as {@code uid:gid}), one that names another user or group is
 * refused with 400 rather than run as the wrong user, like a name that does not resolve.
 */
final class CurrentDialect {

	private static final Pattern NUMERIC = Pattern.compile("\\d{1,10}");

	private CurrentDialect() {
	}

	/** A route only the seed agent has: 405 on a sandbox of the current generation. */
	static Handler<AgentCall> seedOnly(Handler<AgentCall> handler) {
		return call -> call.sandbox().isCurrentGeneration()
				? Mono.error(new ApiException(405, "method not allowed: the current agent starts an exec with POST /api/v1/execs/{id}/start"))
				: handler.handle(call);
	}

	/** A route only the current agent has: 404 on a sandbox of the seed generation. */
	static Handler<AgentCall> currentOnly(Handler<AgentCall> handler) {
		return call -> call.sandbox().isCurrentGeneration() ? handler.handle(call)
				: Mono.error(ApiException.notFound("no such endpoint: " + call.request().method() + " "
						+ call.request().path() + " (this sandbox's agent starts an exec with PUT /api/v1/execs/{id})"));
	}

	/**
	 * {@code POST /execs/{id}/start}: starts a created exec; one that already runs is answered
	 * as it is (200), one that exited or was stopped is 409.
	 */
	static Map<String, Object> start(AgentCall call, Map<String, Object> body) {
		ExecProcess exec = call.exec();
		if (!exec.isRunning()) {
			try {
				exec.start();
			}
			catch (ApiException ex) {
				// A concurrent start may have won: that is the idempotent 200.
				if (ex.status() != 409 || !exec.isRunning()) {
					throw ApiException.conflict("exec " + exec.id() + " is not startable (status "
							+ exec.toJson().get("status") + "): only CREATED execs start");
				}
			}
		}
		return exec.toJson();
	}

	/**
	 * Resolves the {@code user} of a create request ({@code user[:group]}, each side a number or
	 * a name of this machine's {@code /etc/passwd} and {@code /etc/group}).
	 * @param user the requested user, or {@code null}
	 * @return {@code uid:gid}, or {@code null} when none was requested
	 * @throws ApiException 400 if a name does not resolve or the ids are not the emulator's own
	 */
	static @Nullable String user(@Nullable String user) {
		if (user == null || user.isEmpty()) {
			return null;
		}
		int colon = user.indexOf(':');
		String userPart = colon >= 0 ? user.substring(0, colon) : user;
		String groupPart = colon >= 0 ? user.substring(colon + 1) : "";
		long ownUid = OwnIds.UID;
		long ownGid = OwnIds.GID;
		long uid = ownUid;
		Long primaryGid = null;
		if (!userPart.isEmpty()) {
			List<String> entry = NUMERIC.matcher(userPart).matches() ? entry("/etc/passwd", 2, userPart)
					: entry("/etc/passwd", 0, userPart);
			if (entry == null && !NUMERIC.matcher(userPart).matches()) {
				throw ApiException.badRequest("unknown user '" + userPart + "' (not in /etc/passwd)");
			}
			uid = entry != null ? Long.parseLong(entry.get(2)) : Long.parseLong(userPart);
			primaryGid = entry != null ? Long.parseLong(entry.get(3)) : null;
		}
		long gid = primaryGid != null && userPart.length() > 0 ? primaryGid : ownGid;
		if (!groupPart.isEmpty()) {
			if (NUMERIC.matcher(groupPart).matches()) {
				gid = Long.parseLong(groupPart);
			}
			else {
				List<String> entry = entry("/etc/group", 0, groupPart);
				if (entry == null) {
					throw ApiException.badRequest("unknown group '" + groupPart + "' (not in /etc/group)");
				}
				gid = Long.parseLong(entry.get(2));
			}
		}
		if (uid != ownUid || gid != ownGid) {
			throw ApiException.badRequest("the emulator runs every exec as its own user " + ownUid + ":" + ownGid
					+ " and cannot switch to " + uid + ":" + gid + " (requested '" + user + "')");
		}
		return uid + ":" + gid;
	}

	/** The first line of a colon-separated file whose field {@code index} is {@code value}. */
	private static @Nullable List<String> entry(String file, int index, String value) {
		try {
			for (String line : Files.readAllLines(Path.of(file))) {
				List<String> fields = List.of(line.split(":", -1));
				if (fields.size() > 3 && fields.get(index).equals(value) && NUMERIC.matcher(fields.get(2)).matches()
						&& (!file.endsWith("passwd") || NUMERIC.matcher(fields.get(3)).matches())) {
					return fields;
				}
			}
		}
		catch (IOException ex) {
			// No such file: no names resolve.
		}
		return null;
	}

	/** The uid and gid of the emulator's process. */
	private static final class OwnIds {

		static final long UID;

		static final long GID;

		static {
			long uid = -1;
			long gid = -1;
			try {
				uid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
				gid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:gid")).longValue();
			}
			catch (IOException | RuntimeException ex) {
				// Not Linux: the owner of a new temporary file is this process's user.
				try {
					Path probe = Files.createTempFile("emulator-ids", "");
					try {
						uid = ((Number) Files.getAttribute(probe, "unix:uid")).longValue();
						gid = ((Number) Files.getAttribute(probe, "unix:gid")).longValue();
					}
					finally {
						Files.deleteIfExists(probe);
					}
				}
				catch (IOException | RuntimeException ignored) {
					// Unknown ids: every explicit user is refused.
				}
			}
			UID = uid;
			GID = gid;
		}

	}

}
