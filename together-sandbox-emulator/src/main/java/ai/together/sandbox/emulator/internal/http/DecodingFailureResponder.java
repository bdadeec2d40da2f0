package ai.together.sandbox.emulator.internal.http;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;

/**
 * Answers a request that the HTTP decoder could not read (a request line or headers too long, a
 * malformed request line) with the emulator's usual JSON error body, and closes the connection.
 * Reactor Netty would answer such a request itself, with the right status but an empty body;
 * every error of the emulator is JSON, so that clients can always read its {@code message}.
 * One instance per connection: after a failure everything else the connection sends is dropped.
 */
public final class DecodingFailureResponder extends ChannelInboundHandlerAdapter {

	private final Function<String, ErrorStyle> errorStyles;

	private boolean failed;

	/**
	 * Creates the handler of one connection.
	 * @param errorStyles the error style of a request URI
	 */
	public DecodingFailureResponder(Function<String, ErrorStyle> errorStyles) {
		this.errorStyles = errorStyles;
	}

	@Override
	public void channelRead(ChannelHandlerContext context, Object message) {
		if (this.failed) {
			ReferenceCountUtil.release(message);
			return;
		}
		if (!(message instanceof HttpRequest request) || !request.decoderResult().isFailure()) {
			context.fireChannelRead(message);
			return;
		}
		this.failed = true;
		Throwable cause = request.decoderResult().cause();
		ErrorStyle style = this.errorStyles.apply(request.uri());
		ReferenceCountUtil.release(message);
		HttpResponseStatus status;
		String text;
		if (cause instanceof TooLongHttpLineException) {
			status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
			text = "request line too long";
		}
		else if (cause instanceof TooLongHttpHeaderException) {
			status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
			text = "request headers too large";
		}
		else {
			status = HttpResponseStatus.BAD_REQUEST;
			text = "malformed HTTP request";
		}
		Map<String, Object> error = style.body(status.code(), text);
		byte[] body = Json.write(error);
		FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
				Unpooled.wrappedBuffer(body));
		response.headers()
			.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
			.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
			.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
		// Closing at once, with the rest of the request still arriving, resets the connection and
		// the client may lose the answer: end the output only, drop what still comes (above), and
		// close once the client has (or after a grace period).
		context.writeAndFlush(response).addListener(future -> {
			if (context.channel() instanceof SocketChannel socket && future.isSuccess()) {
				socket.shutdownOutput();
				context.executor().schedule(() -> context.close(), 2, TimeUnit.SECONDS);
			}
			else {
				context.close();
			}
		});
	}

}
