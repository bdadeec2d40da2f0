package ai.together.sandbox.emulator.internal.http;

/**
 * A request failure that is answered with an HTTP status and a JSON error body.
 */
public final class ApiException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final int status;

	/**
	 * Creates the exception.
	 * @param status the HTTP status to answer with
	 * @param message the message put in the error body
	 */
	public ApiException(int status, String message) {
		super(message, null, false, false);
		this.status = status;
	}

	/**
	 * Returns the HTTP status.
	 * @return the status
	 */
	public int status() {
		return this.status;
	}

	/**
	 * A 400 failure.
	 * @param message the message put in the error body
	 * @return the exception
	 */
	public static ApiException badRequest(String message) {
		return new ApiException(400, message);
	}

	/**
	 * A 404 failure.
	 * @param message the message put in the error body
	 * @return the exception
	 */
	public static ApiException notFound(String message) {
		return new ApiException(404, message);
	}

	/**
	 * A 409 failure.
	 * @param message the message put in the error body
	 * @return the exception
	 */
	public static ApiException conflict(String message) {
		return new ApiException(409, message);
	}

}
