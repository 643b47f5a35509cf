#if canImport(Glibc)
    import Glibc
#endif

/// The process's open-file limit (`RLIMIT_NOFILE`), which bounds sockets, SQLite files and libcurl's connections
/// alike. The common default soft limit (1,024) is reached by about a thousand idle clients; `HTTPServer.start()`
/// raises it to the hard limit, and the default `maxConnections` leaves room below it for everything else.
public enum FileDescriptorLimit {
    /// Descriptors kept back from connections: at least this many, or a tenth of the limit if that is more.
    public static let minimumReserve = 256

    /// Raises the soft limit to the hard limit (to the kernel's `nr_open` when the hard limit is unlimited) and
    /// returns the soft limit in force afterwards. Never lowers it; on failure the limit stays as it was.
    @discardableResult
    public static func raiseSoftToHard() -> Int {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return 0 }
        let goal = target(limit)
        if limit.rlim_cur < goal {
            var raised = limit
            raised.rlim_cur = goal
            if setrlimit(resource, &raised) == 0 { limit.rlim_cur = goal }
        }
        return count(limit.rlim_cur)
    }

    /// The soft limit in force now.
    public static var current: Int {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return 0 }
        return count(limit.rlim_cur)
    }

    /// The soft limit `raiseSoftToHard()` reaches (or has reached).
    public static var attainable: Int {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return 0 }
        return count(max(limit.rlim_cur, target(limit)))
    }

    /// The connections to allow with `descriptors` open files: the limit minus max(256, 10%), at least 1.
    public static func connectionAllowance(descriptors: Int) -> Int {
        max(1, descriptors - max(minimumReserve, descriptors / 10))
    }

    /// `HTTPServer.Configuration`'s default `maxConnections`: the allowance of the attainable limit.
    public static var defaultMaxConnections: Int { connectionAllowance(descriptors: attainable) }

    private static var resource: Int32 { Int32(RLIMIT_NOFILE.rawValue) }

    private static func target(_ limit: rlimit) -> rlim_t {
        let ceiling = kernelMaximum
        return limit.rlim_max == rlim_t.max || limit.rlim_max > ceiling ? ceiling : limit.rlim_max
    }

    /// `/proc/sys/fs/nr_open`, the most any process may have (1,048,576 when unreadable, the kernel's default).
    private static var kernelMaximum: rlim_t {
        let fallback: rlim_t = 1 << 20
        let fd = open("/proc/sys/fs/nr_open", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return fallback }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 32)
        let count = read(fd, &bytes, bytes.count)
        guard count > 0 else { return fallback }
        var value: rlim_t = 0
        for byte in bytes[0..<count] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { break }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(rlim_t(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return fallback }
            value = sum
        }
        return value > 0 ? value : fallback
    }

    private static func count(_ value: rlim_t) -> Int { value >= rlim_t(Int.max) ? Int.max : Int(value) }
}
