package ai.together.sandbox.snapshots;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * A short-lived credential for the project's container registry, as issued by
 * {@code POST /container-registries/default/credentials}. A local snapshot build uses it for
 * {@code docker login}. {@link #toString()} never prints the {@link #password() password}.
 *
 * @param username the registry user name
 * @param password the registry password (a secret: never log it)
 * @param registryUrl the registry host plus the project's namespace path, for example
 * {@code registry.example.com/nbswy3dp}
 * @param expiredAt when the credential expires, or {@code null}
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record ContainerRegistryCredential(@JsonProperty("username") String username,
		@JsonProperty("password") String password, @JsonProperty("registry_url") String registryUrl,
		@JsonProperty("expired_at") @Nullable Instant expiredAt) {

	/**
	 * Returns the registry host: {@link #registryUrl()} up to its first {@code /}.
	 * @return the host, for example {@code registry.example.com}
	 */
	public String registryHost() {
		int slash = this.registryUrl.indexOf('/');
		return (slash >= 0) ? this.registryUrl.substring(0, slash) : this.registryUrl;
	}

	@Override
	public String toString() {
		return "ContainerRegistryCredential[username=" + this.username + ", password=[REDACTED], registryUrl="
				+ this.registryUrl + ", expiredAt=" + this.expiredAt + "]";
	}

}
