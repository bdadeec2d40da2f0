package ai.together.sandbox.emulator.internal.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Finds the TCP ports that given processes listen on, from {@code /proc/net/tcp{,6}} (listening
 * sockets by inode) and {@code /proc/<pid>/fd} (the sockets each process holds). Linux only;
 * elsewhere no port is ever reported.
 */
final class PortScanner {

	private static final Log logger = LogFactory.getLog(PortScanner.class);

	private static final String LISTEN = "0A";

	private PortScanner() {
	}

	static List<Map<String, Object>> scan(Set<Long> pids) {
		if (pids.isEmpty() || !Files.isDirectory(Path.of("/proc/net"))) {
			return List.of();
		}
		Map<String, String[]> listening = new HashMap<>();
		readTable(Path.of("/proc/net/tcp"), false, listening);
		readTable(Path.of("/proc/net/tcp6"), true, listening);
		if (listening.isEmpty()) {
			return List.of();
		}
		Set<String> inodes = new HashSet<>();
		for (long pid : pids) {
			try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
				fds.forEach(fd -> {
					try {
						String target = Files.readSymbolicLink(fd).toString();
						if (target.startsWith("socket:[")) {
							inodes.add(target.substring(8, target.length() - 1));
						}
					}
					catch (IOException ex) {
						// The descriptor was closed meanwhile.
					}
				});
			}
			catch (IOException ex) {
				// The process exited meanwhile, or is not ours to inspect.
				logger.trace("Cannot list descriptors of process " + pid + ": " + ex.getMessage());
			}
		}
		Map<String, Map<String, Object>> ports = new LinkedHashMap<>();
		for (Map.Entry<String, String[]> entry : listening.entrySet()) {
			if (inodes.contains(entry.getKey())) {
				String[] portAndAddress = entry.getValue();
				Map<String, Object> info = new LinkedHashMap<>();
				info.put("port", Integer.parseInt(portAndAddress[0]));
				info.put("address", portAndAddress[1]);
				ports.putIfAbsent(portAndAddress[0] + "/" + portAndAddress[1], info);
			}
		}
		List<Map<String, Object>> result = new ArrayList<>(ports.values());
		result.sort(Comparator.comparing((Map<String, Object> m) -> (Integer) m.get("port"))
			.thenComparing(m -> (String) m.get("address")));
		return result;
	}

	private static void readTable(Path table, boolean ipv6, Map<String, String[]> listening) {
		List<String> lines;
		try {
			lines = Files.readAllLines(table);
		}
		catch (IOException ex) {
			return;
		}
		for (int i = 1; i < lines.size(); i++) {
			String[] fields = lines.get(i).trim().split("\\s+");
			if (fields.length < 10 || !LISTEN.equals(fields[3])) {
				continue;
			}
			String[] local = fields[1].split(":");
			int port = Integer.parseInt(local[1], 16);
			listening.put(fields[9], new String[] { Integer.toString(port), address(local[0], ipv6) });
		}
	}

	/** The kernel prints each 32-bit word of the address in host (little-endian) byte order. */
	private static String address(String hex, boolean ipv6) {
		byte[] bytes = new byte[hex.length() / 2];
		for (int word = 0; word < bytes.length / 4; word++) {
			for (int b = 0; b < 4; b++) {
				int offset = word * 8 + (3 - b) * 2;
				bytes[word * 4 + b] = (byte) Integer.parseInt(hex.substring(offset, offset + 2), 16);
			}
		}
		boolean zero = true;
		for (byte b : bytes) {
			zero &= b == 0;
		}
		if (zero) {
			return ipv6 ? "::" : "0.0.0.0";
		}
		try {
			return InetAddress.getByAddress(bytes).getHostAddress();
		}
		catch (UnknownHostException ex) {
			return ipv6 ? "::" : "0.0.0.0";
		}
	}

}
