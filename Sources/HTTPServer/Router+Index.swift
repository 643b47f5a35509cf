extension Router {
    /// The routes a request could select, grouped by method and by how many path segments (below the prefix) they
    /// match, each group in registration order: a request tries the few that can answer it rather than every route.
    struct Index: Sendable {
        /// Paths longer than this are not indexed; their requests try every route.
        static let maxSegments = 16

        /// Per method: element `n` holds the routes admitting a path of `n` segments.
        private let methods: [(method: HTTPMethod, bySegmentCount: [[Route]])]

        init(_ routes: [Route]) {
            var methods: [HTTPMethod] = []
            for route in routes where !methods.contains(route.method) { methods.append(route.method) }
            self.methods = methods.map { method in
                let own = routes.filter { $0.method == method }
                return (method, (0...Self.maxSegments).map { count in own.filter { $0.admits(segmentCount: count) } })
            }
        }

        /// The routes of `method` that could match a path of `segmentCount` segments, in registration order; nil
        /// when the path is too long to be indexed.
        func candidates(_ method: HTTPMethod, segmentCount: Int) -> [Route]? {
            guard segmentCount <= Self.maxSegments else { return nil }
            for entry in methods where entry.method == method { return entry.bySegmentCount[segmentCount] }
            return []
        }
    }
}
