import CCurl
import CLinux
import Foundation
import Synchronization
import Timekeeping

/// Owns a libcurl multi handle and the one thread that drives it.
///
/// Callers hand transfers in through ``enqueue(_:)`` and ``cancel(_:)``; both only touch a locked inbox and wake
/// the thread through an eventfd. Everything else (adding, removing, driving, reading completions) happens on the
/// loop thread, so the multi handle is never used from two threads at once. The multi handle keeps the
/// connection cache, so sequential requests to one host reuse a connection.
///
/// The thread waits in `epoll_wait` on the sockets libcurl asks for (`CURLMOPT_SOCKETFUNCTION`) and drives
/// libcurl with `curl_multi_socket_action` for just the sockets that are ready, plus libcurl's timer
/// (`CURLMOPT_TIMERFUNCTION`). `curl_multi_poll`/`curl_multi_perform` instead poll and visit every transfer on
/// every wake-up: with hundreds of transfers in flight that cost more than the transfers.
final class CurlMultiLoop: @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private let epollFD: Int32
    private let wakeFD: Int32

    private struct Inbox {
        var adds: [CurlTransfer] = []
        var cancels: [CurlTransfer] = []
        var stopping = false
    }
    private let inbox = Mutex(Inbox())

    // Loop thread only.
    /// Transfers currently added to the multi handle, keyed by easy handle.
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    /// Sockets in the epoll set.
    private var watched: Set<Int32> = []
    /// When libcurl wants `curl_multi_socket_action(CURL_SOCKET_TIMEOUT)`; nil when it has no timer.
    private var timerDeadline: ContinuousClock.Instant?

    init(maxConnectionsPerHost: Int, maxCachedConnections: Int, threadName: String) throws(HTTPClientError) {
        let epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollFD >= 0 else { throw .transport(code: -1, message: "epoll_create1 failed (errno \(errno))") }
        let wakeFD = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard wakeFD >= 0 else {
            close(epollFD)
            throw .transport(code: -1, message: "eventfd failed (errno \(errno))")
        }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = wakeFD
        guard epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event) == 0, let multi = curl_multi_init() else {
            close(epollFD)
            close(wakeFD)
            throw .transport(code: Int(CURLE_FAILED_INIT.rawValue), message: "curl_multi_init failed")
        }
        self.multi = multi
        self.epollFD = epollFD
        self.wakeFD = wakeFD
        _ = cfi_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, maxConnectionsPerHost)
        _ = cfi_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, maxCachedConnections)
        // Unretained: the thread below holds the loop until it exits, and the callbacks only run on that thread
        // (deinit clears the context before curl_multi_cleanup).
        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = cfi_multi_setopt_socket_cb(multi, CURLMOPT_SOCKETFUNCTION, curlSocketCallback)
        _ = cfi_multi_setopt_ptr(multi, CURLMOPT_SOCKETDATA, context)
        _ = cfi_multi_setopt_timer_cb(multi, CURLMOPT_TIMERFUNCTION, curlTimerCallback)
        _ = cfi_multi_setopt_ptr(multi, CURLMOPT_TIMERDATA, context)
        let thread = Thread { [self] in
            // Foundation's `Thread.name` does not reach the kernel on Linux; tools and tests read this one.
            _ = clinux_set_thread_name(threadName)
            run()
        }
        thread.name = threadName
        thread.start()
    }

    deinit {
        // The callbacks' context is this object, now being torn down: cleanup's last socket callbacks are ignored.
        _ = cfi_multi_setopt_ptr(multi, CURLMOPT_SOCKETDATA, nil)
        _ = cfi_multi_setopt_ptr(multi, CURLMOPT_TIMERDATA, nil)
        curl_multi_cleanup(multi)
        close(epollFD)
        close(wakeFD)
    }

    /// Queues a transfer for the loop thread to add.
    func enqueue(_ transfer: CurlTransfer) {
        let accepted = inbox.withLock { inbox -> Bool in
            guard !inbox.stopping else { return false }
            inbox.adds.append(transfer)
            return true
        }
        if accepted {
            wake()
        } else {
            transfer.finish(.failure(HTTPClientError.shutdown))
        }
    }

    /// Asks the loop thread to remove a transfer and fail it with `CancellationError`.
    func cancel(_ transfer: CurlTransfer) {
        transfer.markCancelled()
        let queued = inbox.withLock { inbox -> Bool in
            guard !inbox.stopping else { return false }
            inbox.cancels.append(transfer)
            return true
        }
        if queued { wake() }
    }

    /// Stops the thread; pending and running transfers fail with ``HTTPClientError/shutdown``.
    func shutdown() {
        inbox.withLock { $0.stopping = true }
        wake()
    }

    private func wake() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    // MARK: Loop thread

    private func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 128)
        var running: Int32 = 0
        while true {
            let (adds, cancels, stopping) = inbox.withLock { inbox in
                defer {
                    inbox.adds = []
                    inbox.cancels = []
                }
                return (inbox.adds, inbox.cancels, inbox.stopping)
            }
            if stopping {
                failAll(adds)
                break
            }
            for transfer in adds {
                if transfer.isCancelled {
                    transfer.finish(.failure(CancellationError()))
                } else if curl_multi_add_handle(multi, transfer.easy) == CURLM_OK {
                    active[transfer.easy] = transfer
                } else {
                    transfer.finish(
                        .failure(HTTPClientError.transport(code: -1, message: "curl_multi_add_handle failed")))
                }
            }
            for transfer in cancels {
                guard active.removeValue(forKey: transfer.easy) != nil else { continue }
                curl_multi_remove_handle(multi, transfer.easy)
                transfer.finish(.failure(CancellationError()))
            }

            if let deadline = timerDeadline, deadline <= .now {
                timerDeadline = nil
                curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running)
                drainCompletions()
            }
            let count = epoll_wait(epollFD, &events, Int32(events.count), waitMilliseconds())
            for index in 0..<max(0, Int(count)) {
                let fd = events[index].data.fd
                let ready = events[index].events
                if fd == wakeFD {
                    var value: UInt64 = 0
                    _ = read(wakeFD, &value, 8)
                    continue
                }
                var mask: Int32 = 0
                if ready & EPOLLIN.rawValue != 0 { mask |= CURL_CSELECT_IN }
                if ready & EPOLLOUT.rawValue != 0 { mask |= CURL_CSELECT_OUT }
                // An error or hang-up is left for libcurl's own read or write to find: CURL_CSELECT_ERR fails the
                // transfer outright ("select/poll returned error"), even where libcurl would retry a reused
                // connection the server had closed.
                if ready & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 { mask |= CURL_CSELECT_IN | CURL_CSELECT_OUT }
                curl_multi_socket_action(multi, fd, mask, &running)
            }
            drainCompletions()
        }
    }

    /// Until libcurl's timer is due, at most a second (nothing is lost by waking early), 0 when it is due.
    private func waitMilliseconds() -> Int32 {
        guard let deadline = timerDeadline else { return 1000 }
        return Int32(min((deadline - .now).wholeMilliseconds(roundingUp: true), 1000))
    }

    /// `CURLMOPT_SOCKETFUNCTION`: watch `socket` for what libcurl wants, or stop watching it.
    fileprivate func watch(_ socket: Int32, _ what: Int32) {
        if what == CURL_POLL_REMOVE {
            if watched.remove(socket) != nil { epoll_ctl(epollFD, EPOLL_CTL_DEL, socket, nil) }
            return
        }
        var event = epoll_event()
        event.events =
            (what & CURL_POLL_IN != 0 ? EPOLLIN.rawValue : 0) | (what & CURL_POLL_OUT != 0 ? EPOLLOUT.rawValue : 0)
        event.data.fd = socket
        if watched.insert(socket).inserted {
            epoll_ctl(epollFD, EPOLL_CTL_ADD, socket, &event)
        } else {
            epoll_ctl(epollFD, EPOLL_CTL_MOD, socket, &event)
        }
    }

    /// `CURLMOPT_TIMERFUNCTION`: -1 removes the timer, 0 means "as soon as possible".
    fileprivate func setTimer(_ milliseconds: Int) {
        timerDeadline = milliseconds < 0 ? nil : .now + .milliseconds(milliseconds)
    }

    private func drainCompletions() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            curl_multi_remove_handle(multi, easy)
            active.removeValue(forKey: easy)?.complete(code)
        }
    }

    private func failAll(_ pending: [CurlTransfer]) {
        for transfer in pending { transfer.finish(.failure(HTTPClientError.shutdown)) }
        for (easy, transfer) in active {
            curl_multi_remove_handle(multi, easy)
            transfer.finish(.failure(HTTPClientError.shutdown))
        }
        active = [:]
    }
}

private func curlSocketCallback(
    _ easy: UnsafeMutableRawPointer?, _ socket: curl_socket_t, _ what: Int32, _ context: UnsafeMutableRawPointer?,
    _ socketContext: UnsafeMutableRawPointer?
) -> Int32 {
    guard let context else { return 0 }
    Unmanaged<CurlMultiLoop>.fromOpaque(context).takeUnretainedValue().watch(socket, what)
    return 0
}

private func curlTimerCallback(
    _ multi: UnsafeMutableRawPointer?, _ milliseconds: Int, _ context: UnsafeMutableRawPointer?
) -> Int32 {
    guard let context else { return 0 }
    Unmanaged<CurlMultiLoop>.fromOpaque(context).takeUnretainedValue().setTimer(milliseconds)
    return 0
}
