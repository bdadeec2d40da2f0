package ai.together.sandbox;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import ai.together.sandbox.internal.util.Blocking;
import org.jspecify.annotations.Nullable;

/**
 * One page of a list of the current API generation, in the blocking style: its items
 * ({@link #data()}), the cursor of the next page, and iteration over the items of this and every
 * later page, which fetches each page only when the iteration reaches it.
 * <pre>{@code
 * for (SandboxDetails sandbox : sdk.current().sandboxes().list(filter)) { // all pages
 *     ...
 * }
 * Page<SandboxDetails> first = sdk.current().sandboxes().list(filter);
 * first.data(); // this page only
 * }</pre>
 * The blocking view of a {@link ReactivePage}.
 *
 * @param <T> the item type
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class Page<T> implements Iterable<T> {

	private final ReactivePage<T> reactive;

	Page(ReactivePage<T> reactive) {
		this.reactive = Objects.requireNonNull(reactive, "reactive");
	}

	/**
	 * Returns the items of this page.
	 * @return the items, unmodifiable
	 */
	public List<T> data() {
		return this.reactive.data();
	}

	/**
	 * Returns the cursor of the next page.
	 * @return the cursor, or {@code null} on the last page
	 */
	public @Nullable String nextCursor() {
		return this.reactive.nextCursor();
	}

	/**
	 * Whether there is a next page.
	 * @return {@code true} when {@link #nextCursor()} is set
	 */
	public boolean hasNextPage() {
		return this.reactive.hasNextPage();
	}

	/**
	 * Fetches the next page.
	 * @return the next page
	 * @throws IllegalStateException on the last page
	 */
	public Page<T> nextPage() {
		return Blocking.value(this.reactive.nextPage()).blocking();
	}

	/**
	 * Iterates over the items of this page and every later page, fetching the next page when
	 * the iteration has consumed the items before it. Each iterator starts again at this page
	 * (and so fetches the later pages again).
	 * @return the iterator
	 */
	@Override
	public Iterator<T> iterator() {
		return new AllPages<>(this);
	}

	/**
	 * Streams the items of this page and every later page, lazily like {@link #iterator()}.
	 * @return the items
	 */
	public Stream<T> stream() {
		return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED), false);
	}

	/**
	 * Returns the reactive page this view wraps.
	 * @return the reactive page
	 */
	public ReactivePage<T> reactive() {
		return this.reactive;
	}

	@Override
	public String toString() {
		return "Page[size=" + data().size() + ", nextCursor=" + nextCursor() + "]";
	}

	private static final class AllPages<T> implements Iterator<T> {

		private Page<T> page;

		private Iterator<T> items;

		AllPages(Page<T> first) {
			this.page = first;
			this.items = first.data().iterator();
		}

		@Override
		public boolean hasNext() {
			// An empty page may still be followed by items.
			while (!this.items.hasNext() && this.page.hasNextPage()) {
				this.page = this.page.nextPage();
				this.items = this.page.data().iterator();
			}
			return this.items.hasNext();
		}

		@Override
		public T next() {
			if (!hasNext()) {
				throw new NoSuchElementException();
			}
			return this.items.next();
		}

	}

}
