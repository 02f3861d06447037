import Logging
import NIOCore
import NIOHTTP1

/// The first handler of every connection, on raw bytes: it holds the connection's clocks (header, body and idle
/// timeouts) and closes connections that should end, without leaving a descriptor behind.
///
/// ``RequestPhaseHandler``, after the HTTP/1 decoder, tells it when a request's head and end arrive and when an answer
/// has been written. When an answer ends a connection (`Connection: close`, HTTP/1.0 without keep-alive, or a request
/// whose body was not read to its end: a 413, a malformed body), the guard *closes lingering*: it sends the answer and
/// a FIN, then reads and throws away what the client still sends, up to ``ConnectionLimits/maxDiscardBytes`` and for
/// at most ``ConnectionLimits/requestBodyTimeout``, and closes the socket fully when the client closes its side or
/// either bound is reached. A client that writes its whole body before reading (Python's urllib does) so gets its
/// 413 instead of blocking on a full socket buffer, and the connection never waits for a peer that does not close.
///
/// Event-loop bound: every method runs on the channel's event loop, like every NIO handler.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    /// What the connection waits for; each kind of wait has its own timeout.
    enum Wait: Equatable {
        /// A request's head: from the accept, or from the first byte of a request on a kept-alive connection.
        case head
        /// The body of a request whose head has arrived.
        case body
        /// The next request on a kept-alive connection, after an answer.
        case idle
        /// Nothing: the server is answering.
        case answer
        /// The client closing its side after the last answer (lingering close).
        case closing
    }

    private let limits: ConnectionLimits
    private let logger: Logger
    private var context: ChannelHandlerContext?
    private var timer: Scheduled<Void>?
    private(set) var wait: Wait?
    private var heads = 0
    private var ends = 0
    private var answers = 0
    /// Bytes have arrived since the last head while no body was being read: a request's head has begun.
    private var headBegun = false
    /// No request has begun on this connection yet.
    private var fresh = true
    private var outputClosed = false
    private var discarded = 0

    init(limits: ConnectionLimits, logger: Logger) {
        self.limits = limits
        self.logger = logger
    }

    // MARK: events from RequestPhaseHandler

    /// A request's head was decoded.
    func headReceived() {
        heads += 1
        headBegun = false
        fresh = false
        update()
    }

    /// A request's end was decoded: its body has been read whole.
    func requestEnded() {
        ends += 1
        update()
    }

    /// An answer's end was written; `close` when the connection must end with it.
    func answerEnded(close: Bool) {
        answers += 1
        if close {
            beginClosing()
        } else {
            update()
        }
    }

    // MARK: ChannelHandler

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { update() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        update()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if wait == .closing {
            // Thrown away: the answer has been sent and the connection ends.
            discarded += unwrapInboundIn(data).readableBytes
            if discarded > limits.maxDiscardBytes {
                close(context, "the client sent more than \(limits.maxDiscardBytes) bytes after its last answer")
            }
            return
        }
        if heads == ends && !headBegun {
            headBegun = true
            update()
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // While closing, nothing downstream reads any more (the HTTP handler has stopped iterating): keep draining.
        if wait == .closing { context.read() }
        context.fireChannelReadComplete()
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if mode == .output {
            // The HTTP handler half-closes after a `Connection: close` answer; the guard may have done so already.
            guard !outputClosed else {
                promise?.succeed(())
                return
            }
            outputClosed = true
        }
        context.close(mode: mode, promise: promise)
    }

    // MARK: the clocks

    private func currentWait() -> Wait {
        if wait == .closing { return .closing }
        if heads > ends { return .body }
        if answers < ends { return .answer }
        if headBegun || fresh { return .head }
        return .idle
    }

    private func update() {
        guard let context, context.channel.isActive else { return }
        let next = currentWait()
        guard next != wait else { return }
        wait = next
        cancelTimer()
        switch next {
        case .head: schedule(context, after: limits.headerTimeout, "no complete request head")
        case .body: schedule(context, after: limits.requestBodyTimeout, "the request body did not arrive")
        case .idle: schedule(context, after: limits.idleTimeout, "the kept-alive connection was idle")
        case .closing: schedule(context, after: limits.requestBodyTimeout, "the client did not close after its answer")
        case .answer: break
        }
    }

    private func beginClosing() {
        guard let context, wait != .closing else { return }
        wait = .closing
        cancelTimer()
        schedule(context, after: limits.requestBodyTimeout, "the client did not close after its answer")
        context.flush()
        if !outputClosed {
            outputClosed = true
            // After the pending writes (the answer), then a FIN; once the client closes its side too, NIO closes the
            // socket fully.
            context.close(mode: .output, promise: nil)
        }
        context.read()
    }

    private func schedule(_ context: ChannelHandlerContext, after timeout: Duration, _ reason: String) {
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: .nanoseconds(nanoseconds)) {
            let handler = loopBound.value
            handler.timer = nil
            guard let context = handler.context else { return }
            handler.close(context, "\(reason) within \(timeout)")
        }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
    }

    private func close(_ context: ChannelHandlerContext, _ reason: String) {
        cancelTimer()
        logger.debug("closing the connection", metadata: ["reason": "\(reason)"])
        context.close(mode: .all, promise: nil)
    }
}

/// After the HTTP/1 decoder: tells the ``ConnectionGuard`` where each request is, decides which answers end their
/// connection, and adds the headers every answer carries.
///
/// - An HTTP/1.0 request without `Connection: keep-alive`, or any request with `Connection: close` (in any case, among
///   other tokens), gets `Connection: close` written exactly so, so that the server ends the connection after the
///   answer (Hummingbird compares the header with `close` verbatim; the version is lost after this handler).
/// - An answer whose request has not been read to its end (413, a malformed body, a body the route did not need)
///   carries `Connection: close`: the rest of the body is not read as a next request.
/// - Every answer, errors and unknown routes included, carries `X-Content-Type-Options: nosniff`.
final class RequestPhaseHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// One request that has not been answered yet (requests can be pipelined).
    private struct Pending {
        var bodyRead = false
        var close: Bool
        /// HTTP/1.0 with `Connection: keep-alive`: the answer must say keep-alive too.
        var keepAlive10: Bool
    }

    private let connection: ConnectionGuard
    private var pending: [Pending] = []
    /// Whether the answer being written ends the connection (decided at its head).
    private var closeAfterAnswer = false

    init(connection: ConnectionGuard) {
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(var head):
            let keepAlive = head.isKeepAlive
            if !keepAlive { head.headers.replaceOrAdd(name: "connection", value: "close") }
            pending.append(Pending(close: !keepAlive, keepAlive10: keepAlive && head.version == .http1_0))
            connection.headReceived()
            context.fireChannelRead(wrapInboundOut(.head(head)))
        case .body:
            context.fireChannelRead(data)
        case .end:
            if let index = pending.firstIndex(where: { !$0.bodyRead }) { pending[index].bodyRead = true }
            connection.requestEnded()
            context.fireChannelRead(data)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head):
            // An answer with no request (the HTTP handler's 400 for an unparsable head) ends the connection.
            let request = pending.first ?? Pending(close: true, keepAlive10: false)
            closeAfterAnswer = request.close || !request.bodyRead
            head.headers.replaceOrAdd(name: "x-content-type-options", value: "nosniff")
            if closeAfterAnswer {
                head.headers.replaceOrAdd(name: "connection", value: "close")
            } else if request.keepAlive10 {
                head.headers.replaceOrAdd(name: "connection", value: "keep-alive")
            }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            if !pending.isEmpty { pending.removeFirst() }
            context.write(data, promise: promise)
            connection.answerEnded(close: closeAfterAnswer)
        }
    }
}
