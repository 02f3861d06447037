import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1.1 child channel with Backstop's connection bounds: the same pipeline as
/// `HTTP1Channel` (and the same request loop, `handleHTTP`), with a ``ConnectionGuard`` in front of the HTTP decoder,
/// a ``RequestPhaseHandler`` after it, and a ``ConnectionLimiter`` that refuses connections over the caps.
struct BackstopHTTPChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    let limits: ConnectionLimits
    let limiter: ConnectionLimiter

    init(responder: @escaping HTTPChannelHandler.Responder, limits: ConnectionLimits) {
        self.responder = responder
        self.limits = limits
        self.limiter = ConnectionLimiter(
            maxConnections: limits.maxConnections,
            maxPerClient: limits.maxConnectionsPerClient
        )
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let client = channel.remoteAddress?.ipAddress
            if let refusal = limiter.open(client: client) {
                // Refused: wrapped (the server expects a value for every accepted channel; a failed setup would
                // reach the listening channel) and closed at once; the request loop then ends straight away.
                let value = try Value(wrappingChannelSynchronously: channel)
                logger.debug("connection refused", metadata: ["reason": "\(refusal)"])
                channel.close(promise: nil)
                return value
            }
            let limiter = self.limiter
            channel.closeFuture.whenComplete { _ in limiter.close(client: client) }

            let connection = ConnectionGuard(limits: limits, logger: logger)
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(connection)
            try pipeline.configureHTTPServerPipeline(
                withPipeliningAssistance: false,  // the request loop reads one request at a time
                withErrorHandling: false,  // the request loop answers parse errors
                withOutboundHeaderValidation: false,  // Swift HTTP Types validate headers already
                withEncoderConfiguration: .init(),
                withDecoderLimitConfiguration: Self.decoderLimits
            )
            try pipeline.addHandler(RequestPhaseHandler(connection: connection))
            try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            // Hummingbird's own: closes idle connections on a graceful shutdown (its idle timeout stays off: the
            // guard's clocks replace it).
            try pipeline.addHandler(HTTPConnectionStateHandler(idleTimeout: nil, logger: logger))
            return try Value(
                wrappingChannelSynchronously: channel,
                configuration: .init(isOutboundHalfClosureEnabled: true)
            )
        }
    }

    /// Hummingbird's defaults: 80 KiB for one header field and for all of them, at most 1,000 fields.
    static var decoderLimits: NIOHTTPDecoderLimitConfiguration {
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderFieldSize = 80 * 1024
        limits.maxHeaderListSize = 80 * 1024
        limits.maxHeaderFieldCount = 1000
        return limits
    }

    func handle(value: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: value, logger: logger)
    }
}
