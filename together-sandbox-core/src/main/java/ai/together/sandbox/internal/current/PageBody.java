package ai.together.sandbox.internal.current;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * A page as the current management API sends it. A missing {@code next_cursor} reads as the last
 * page, so that a server leaving it out never makes a walk over all pages start again.
 *
 * @param <T> the item type
 * @param data the items
 * @param nextCursor the cursor of the next page, or {@code null} on the last page
 */
public record PageBody<T>(@JsonProperty("data") @Nullable List<T> data,
		@JsonProperty("next_cursor") @Nullable String nextCursor) {

	/**
	 * Tolerates an absent item list.
	 */
	public PageBody {
		data = (data != null) ? List.copyOf(data) : List.of();
		nextCursor = (nextCursor != null && !nextCursor.isEmpty()) ? nextCursor : null;
	}

}
