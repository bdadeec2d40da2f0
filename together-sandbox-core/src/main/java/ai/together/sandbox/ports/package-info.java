/**
 * Open ports of a connected sandbox, through its agent API: list them, or stream the list as it
 * changes. Obtain the namespace from {@code sandbox.ports()}.
 */
@NullMarked
package ai.together.sandbox.ports;

import org.jspecify.annotations.NullMarked;
