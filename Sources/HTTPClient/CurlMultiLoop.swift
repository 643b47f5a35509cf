import CCurl
import CLinux
import Foundation

/// Owns a libcurl multi handle and the one thread that drives it.
///
/// Callers hand transfers in through ``enqueue(_:)`` and ``cancel(_:)``; both only touch a locked inbox and wake
/// the thread with `curl_multi_wakeup`. Everything else (adding, removing, performing, reading completions) happens
/// on the loop thread, so the multi handle is never used from two threads at once. The multi handle keeps the
/// connection cache, so sequential requests to one host reuse a connection.
final class CurlMultiLoop: @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer

    private struct Inbox {
        var adds: [CurlTransfer] = []
        var cancels: [CurlTransfer] = []
        var stopping = false
    }
    private let inbox = Locked(Inbox())

    /// Transfers currently added to the multi handle, keyed by easy handle. Loop thread only.
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]

    init(maxConnectionsPerHost: Int, maxCachedConnections: Int, threadName: String) throws(HTTPClientError) {
        guard let multi = curl_multi_init() else {
            throw .transport(code: Int(CURLE_FAILED_INIT.rawValue), message: "curl_multi_init failed")
        }
        self.multi = multi
        _ = cfi_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, maxConnectionsPerHost)
        _ = cfi_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, maxCachedConnections)
        let thread = Thread { [self] in
            // Foundation's `Thread.name` does not reach the kernel on Linux; tools and tests read this one.
            _ = clinux_set_thread_name(threadName)
            run()
        }
        thread.name = threadName
        thread.start()
    }

    deinit {
        curl_multi_cleanup(multi)
    }

    /// Queues a transfer for the loop thread to add.
    func enqueue(_ transfer: CurlTransfer) {
        let accepted = inbox.withLock { inbox -> Bool in
            guard !inbox.stopping else { return false }
            inbox.adds.append(transfer)
            return true
        }
        if accepted {
            curl_multi_wakeup(multi)
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
        if queued { curl_multi_wakeup(multi) }
    }

    /// Stops the thread; pending and running transfers fail with ``HTTPClientError/shutdown``.
    func shutdown() {
        inbox.withLock { $0.stopping = true }
        curl_multi_wakeup(multi)
    }

    // MARK: Loop thread

    private func run() {
        while true {
            let (adds, cancels, stopping) = inbox.withLock { inbox in
                defer { inbox.adds = []; inbox.cancels = [] }
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
                    transfer.finish(.failure(HTTPClientError.transport(code: -1, message: "curl_multi_add_handle failed")))
                }
            }
            for transfer in cancels {
                guard active.removeValue(forKey: transfer.easy) != nil else { continue }
                curl_multi_remove_handle(multi, transfer.easy)
                transfer.finish(.failure(CancellationError()))
            }

            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            drainCompletions()
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
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
