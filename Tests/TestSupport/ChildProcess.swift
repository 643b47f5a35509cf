import Foundation

/// Runs `executable` with `arguments`, its standard output and error together in a temp file (no pipe to fill), and
/// waits at most `timeout`; a process still running then is terminated. Returns its exit status (nil when it was
/// cut off) and what it wrote. The wait is on a thread of its own: a test blocking one of the few threads of the
/// concurrency pool while a child runs would stall every other test's tasks (and their timeouts would fire).
public func runProcess(
    _ executable: String, _ arguments: [String], timeout: Duration
) async throws
    -> (status: Int32?, output: String)
{
    try await blocking { try runProcessBlocking(executable, arguments, timeout: timeout) }
}

private func runProcessBlocking(
    _ executable: String, _ arguments: [String], timeout: Duration
) throws
    -> (status: Int32?, output: String)
{
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let outputPath = NSTemporaryDirectory() + "process-output-" + UUID().uuidString + ".txt"
    _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: outputPath) }
    let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let deadline = ContinuousClock.now + timeout
    while process.isRunning, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.05) }
    let finished = !process.isRunning
    if !finished {
        process.terminate()
        process.waitUntilExit()
    }
    try output.close()
    let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    return (finished ? process.terminationStatus : nil, text)
}
