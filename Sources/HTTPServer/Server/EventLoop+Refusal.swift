#if canImport(Glibc)
    import Glibc
#endif

extension EventLoop {
    /// Answers a connection over `maxConnections` with a short `503` and closes it: one non-blocking write (a
    /// client whose socket cannot take it now just sees the close), then whatever it already sent is read, so
    /// the close does not reset the connection before the answer is read. No state is kept for it.
    func refuse(_ fd: Int32) {
        var response = EventLoop.refusalHead
        response.append(contentsOf: dateCache.currentLine())
        response.append(contentsOf: EventLoop.refusalTail)
        _ = response.withUnsafeBytes { bytes in
            send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
        }
        _ = recv(fd, readBuffer.baseAddress, readBuffer.count, Int32(MSG_DONTWAIT))
        close(fd)
    }

    static let refusalBody = String(decoding: HTTPError.detailBody("Server is at its connection limit."), as: UTF8.self)
    static let refusalHead = Array(
        ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(refusalBody.utf8.count)\r\nConnection: close\r\nRetry-After: 1\r\n").utf8)
    static let refusalTail = Array(("\r\n" + refusalBody).utf8)
}
