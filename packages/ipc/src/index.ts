export {
	type ConnectOptions,
	DEFAULT_CONNECT_TIMEOUT_MS,
	DEFAULT_RETRY_DELAY_MS,
	IpcClient,
	type IpcClientEvents,
	type IpcClientOptions,
} from "./client.js";
export { type ConnectionLimits, DEFAULT_MAX_PENDING_WRITE_BYTES } from "./connection.js";
export { decodeClientFrame, decodeServerFrame, encodeFrame } from "./envelope.js";
export { IpcClientError } from "./errors.js";
export { DEFAULT_MAX_FRAME_BYTES, FRAME_DELIMITER, FrameDecoder, FrameTooLargeError } from "./framing.js";
export { type IpcLogger, type IpcLogLevel, stderrLogger } from "./log.js";
export { IpcServer, type IpcServerEvents, type IpcServerOptions } from "./server.js";
export { removeStaleSocket, SocketInUseError, toPlatformSocketPath } from "./socket-path.js";
