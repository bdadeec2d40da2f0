package ai.together.sandbox;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One page of a list of the current API generation, in the reactive style: its items, and the
 * cursor of the next page ({@code null} on the last one).
 * <pre>{@code
 * sdk.current().sandboxes().list(filter)
 *     .flatMapMany(ReactivePage::all) // this page's items, then those of the next pages, fetched on demand
 *     .subscribe(...);
 * }</pre>
 *
 * @param <T> the item type
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class ReactivePage<T> {

	private final List<T> data;

	private final @Nullable String nextCursor;

	private final Function<String, Mono<ReactivePage<T>>> fetch;

	ReactivePage(List<T> data, @Nullable String nextCursor, Function<String, Mono<ReactivePage<T>>> fetch) {
		this.data = List.copyOf(data);
		this.nextCursor = nextCursor;
		this.fetch = Objects.requireNonNull(fetch, "fetch");
	}

	/**
	 * Returns the items of this page.
	 * @return the items, unmodifiable
	 */
	public List<T> data() {
		return this.data;
	}

	/**
	 * Returns the cursor of the next page: the id of this page's last item.
	 * @return the cursor, or {@code null} on the last page
	 */
	public @Nullable String nextCursor() {
		return this.nextCursor;
	}

	/**
	 * Whether there is a next page.
	 * @return {@code true} when {@link #nextCursor()} is set
	 */
	public boolean hasNextPage() {
		return this.nextCursor != null;
	}

	/**
	 * Fetches the next page: the same query from {@link #nextCursor()}.
	 * @return the next page
	 * @throws IllegalStateException on the last page
	 */
	public Mono<ReactivePage<T>> nextPage() {
		if (this.nextCursor == null) {
			throw new IllegalStateException("No next page: this is the last page");
		}
		return this.fetch.apply(this.nextCursor);
	}

	/**
	 * Returns this page's items, then those of every later page; each page is fetched when the
	 * items before it have been consumed (and only if they are), one request per page.
	 * @return the items of this and the later pages
	 */
	public Flux<T> all() {
		return Flux.fromIterable(this.data)
			.concatWith(Flux.defer(() -> hasNextPage() ? nextPage().flatMapMany(ReactivePage::all) : Flux.empty()));
	}

	/**
	 * Returns the blocking view of this page.
	 * @return the page
	 */
	public Page<T> blocking() {
		return new Page<>(this);
	}

	@Override
	public String toString() {
		return "ReactivePage[size=" + this.data.size() + ", nextCursor=" + this.nextCursor + "]";
	}

}
