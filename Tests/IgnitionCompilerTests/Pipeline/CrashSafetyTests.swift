import Foundation
import Glibc
import Testing
@testable import IgnitionCompiler

/// `igncc build` killed with SIGKILL at random points while it replaces a 10,000-host tree
/// leaves the output directory as the complete previous build or the complete new one, never a
/// mix; what a kill leaves beside it (a hidden staging sibling) goes with the next build.
///
/// The seed is printed; `IGNCC_CRASH_SEED=<seed>` replays a run, `IGNCC_CRASH_KILLS=<n>` sets
/// the number of kills (default 8). The trees go to /dev/shm when it is there (or to
/// `IGNCC_CRASH_DIR`): what is tested is a kill, not a power cut, and on a busy disk the
/// build's syncfs waits for every other writer's data (a 10,000-host rebuild took 7 minutes on
/// this machine's shared ext4, 30 s on tmpfs).
@Suite(.serialized) struct CrashSafetyTests {
    static let hosts = 10_000
    /// Fixed, so that a run crossing midnight gives the same zone serials throughout.
    static let environment = ["SOURCE_DATE_EPOCH": "1795392000"]

    /// SplitMix64: small, seedable, the same sequence everywhere.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// A complete tree as `verify` found it: its SHA512SUMS.
    enum Outcome: Equatable { case a, b }

    @Test func killedBuildsLeaveTheOldTreeOrTheNewOne() throws {
        let python = try #require(which("python3"), "python3 runs bench/gen-site")
        let env = ProcessInfo.processInfo.environment
        let seed = env["IGNCC_CRASH_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0...UInt64(UInt32.max))
        let kills = env["IGNCC_CRASH_KILLS"].flatMap { Int($0) } ?? 8
        print("CrashSafetyTests: seed \(seed) (IGNCC_CRASH_SEED=\(seed) replays it), \(kills) kills, binary \(TestPaths.binary)")
        var random = SeededGenerator(state: seed)

        let dir = try TemporaryDirectory(in: env["IGNCC_CRASH_DIR"] ?? (access("/dev/shm", W_OK) == 0 ? "/dev/shm" : nil))
        defer { dir.remove() }
        // Site A is bench/gen-site's; B moves every host to another time zone, which changes
        // every Ignition config and Butane document, and nothing else.
        let generated = try runProcess(python, [TestPaths.packageRoot.appendingPathComponent("bench/gen-site").path,
                                                String(Self.hosts)])
        try #require(generated.status == 0, "\(generated.stderr)")
        let siteA = generated.stdout
        let siteB = siteA.replacingOccurrences(of: "  timezone: Europe/Paris\n", with: "  timezone: Europe/Berlin\n")
        try #require(siteA != siteB)
        try dir.write("a.yaml", siteA)
        try dir.write("b.yaml", siteB)
        let out = dir.file("out")
        let sites: [Outcome: String] = [.a: dir.file("a.yaml"), .b: dir.file("b.yaml")]

        // Two uninterrupted builds: A into a new directory, then B over it (what is killed below),
        // timed whole and from the moment its staging directory appears (the writing, flushing,
        // swapping and removing that a kill can disturb; the rest is computation in memory).
        var start = Date()
        try build(sites[.a]!, to: out)
        let firstBuild = Date().timeIntervalSince(start)
        let sumsA = try Data(contentsOf: URL(fileURLWithPath: out + "/" + Checksums.fileName))
        let timing = try timedBuild(sites[.b]!, to: out, in: dir)
        let duration = timing.whole, window = timing.writing
        let sumsB = try Data(contentsOf: URL(fileURLWithPath: out + "/" + Checksums.fileName))
        try #require(sumsA != sumsB)
        let sums: [Outcome: Data] = [.a: sumsA, .b: sumsB]
        start = Date()
        let files = try verify(out, sums: sums, seed: seed)
        let verifyTime = Date().timeIntervalSince(start)
        #expect(files.outcome == .b)
        print(String(format: "CrashSafetyTests: %d files; a build into a new directory %.2f s, a replacing build %.2f s "
                     + "(%.2f s of it from the staging directory's creation to its exit), a check %.2f s",
                     files.count, firstBuild, duration, window, verifyTime))

        // A third of the kills land anywhere in the build, each in its own slice of
        // [0, 1.1 × duration); the others after the staging directory appears, each in its own
        // slice of [0, 1.2 × window): writing, flushing, the swap, removing the old tree, and
        // a little past the end.
        let anywhere = max(1, kills / 3)
        var current = Outcome.b
        var landed = 0, keptOld = 0, tookNew = 0, staleSeen = 0
        for slice in 0..<kills {
            let other: Outcome = current == .a ? .b : .a
            let late = slice >= anywhere
            let (index, count) = late ? (slice - anywhere, kills - anywhere) : (slice, anywhere)
            let fraction = (Double(index) + Double.random(in: 0..<1, using: &random)) / Double(count)
            let delay = fraction * (late ? window * 1.2 : duration * 1.1)
            let killed = try buildAndKill(sites[other]!, to: out, after: delay, fromStaging: late, in: dir)
            let found = try verify(out, sums: sums, seed: seed)
            let stale = try siblings(of: dir)
            let unexpected = stale.filter { !$0.hasPrefix(".out.igncc-new-") && !$0.hasPrefix(".out.igncc-old-") }
            #expect(unexpected.isEmpty, "seed \(seed): unexpected entries \(unexpected)")
            if killed { landed += 1 }
            if found.outcome == current { keptOld += 1 } else { tookNew += 1 }
            if !stale.isEmpty { staleSeen += 1 }
            // A build that was not killed must have finished its swap.
            if !killed { #expect(found.outcome == other, "seed \(seed): an unkilled build left the old tree") }
            print(String(format: "CrashSafetyTests: kill %d %.3f s after %@ (%.0f%% of that span): %@, output is the %@ tree%@",
                         slice + 1, delay, late ? "the staging directory appeared" : "the start",
                         fraction * (late ? 120 : 110), killed ? "killed" : "had exited",
                         found.outcome == current ? "previous" : "new",
                         stale.isEmpty ? "" : ", left \(stale.joined(separator: " "))"))
            current = found.outcome ?? current
        }
        print("CrashSafetyTests: \(landed) of \(kills) kills landed; \(keptOld) left the previous tree, \(tookNew) the new one; "
              + "\(staleSeen) left a staging sibling")
        #expect(landed >= kills / 2, "seed \(seed): most kills should land while the build runs")

        // The next build that runs to its end removes whatever the kills left beside the tree.
        let last: Outcome = current == .a ? .b : .a
        try build(sites[last]!, to: out)
        #expect(try verify(out, sums: sums, seed: seed).outcome == last)
        #expect(try siblings(of: dir) == [], "seed \(seed): a successful build left staging siblings")
    }

    /// Entries of `dir` other than the two sites and the output tree.
    private func siblings(of dir: TemporaryDirectory) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { !["a.yaml", "b.yaml", "out"].contains($0) }.sorted()
    }

    private func build(_ site: String, to out: String) throws {
        let result = try runProcess(TestPaths.binary, ["build", site, "-o", out], environment: Self.environment)
        try #require(result.status == 0, "\(result.stderr)")
    }

    private func start(_ site: String, to out: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestPaths.binary)
        process.arguments = ["build", site, "-o", out]
        process.environment = ProcessInfo.processInfo.environment.merging(Self.environment) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Waits, polling every millisecond, until `process` has made its staging directory in
    /// `dir` (or has exited).
    private func waitForStaging(of process: Process, in dir: TemporaryDirectory) {
        let staging = dir.file(".out.igncc-new-\(process.processIdentifier)")
        while process.isRunning && access(staging, F_OK) != 0 { usleep(1000) }
    }

    /// A build run to its end: how long it took, and how much of that after its staging
    /// directory appeared.
    private func timedBuild(_ site: String, to out: String, in dir: TemporaryDirectory) throws -> (whole: Double, writing: Double) {
        let began = Date()
        let process = try start(site, to: out)
        waitForStaging(of: process, in: dir)
        let staged = Date()
        process.waitUntilExit()
        let ended = Date()
        try #require(process.terminationReason == .exit && process.terminationStatus == 0)
        return (ended.timeIntervalSince(began), ended.timeIntervalSince(staged))
    }

    /// Starts a build, SIGKILLs it `delay` seconds after its start (or after its staging
    /// directory appears) and waits for it; whether the signal ended it (false: it had exited).
    private func buildAndKill(_ site: String, to out: String, after delay: TimeInterval, fromStaging: Bool,
                              in dir: TemporaryDirectory) throws -> Bool {
        let process = try start(site, to: out)
        if fromStaging { waitForStaging(of: process, in: dir) }
        usleep(useconds_t(delay * 1_000_000))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        if process.terminationReason == .exit {
            #expect(process.terminationStatus == 0, "a build that was not killed failed")
            return false
        }
        #expect(process.terminationStatus == SIGKILL)
        return true
    }

    struct Found {
        var outcome: Outcome?
        var count: Int
    }

    /// Checks that `out` is one complete tree: it carries the marker, its SHA512SUMS is one of
    /// `sums`, every file it lists has the listed hash, and no other file is there.
    private func verify(_ out: String, sums: [Outcome: Data], seed: UInt64) throws -> Found {
        var isDirectory: ObjCBool = false
        try #require(FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory) && isDirectory.boolValue,
                     "seed \(seed): the output directory is gone")
        #expect(FileManager.default.fileExists(atPath: out + "/" + OutputDirectory.markerName), "seed \(seed): no marker")
        let data = try #require(FileManager.default.contents(atPath: out + "/" + Checksums.fileName),
                                "seed \(seed): no \(Checksums.fileName)")
        let outcome = sums.first { $0.value == data }?.key
        #expect(outcome != nil, "seed \(seed): \(Checksums.fileName) is neither build's")

        var listed: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let hash = line.prefix(128), path = String(line.dropFirst(130))
            #expect(line.count > 130 && line.dropFirst(128).hasPrefix("  "), "seed \(seed): malformed line '\(line)'")
            listed[path] = String(hash)
        }
        var onDisk: Set<String> = []
        let enumerator = try #require(FileManager.default.enumerator(atPath: out))
        while let path = enumerator.nextObject() as? String {
            if (enumerator.fileAttributes?[.type] as? FileAttributeType) != .typeDirectory { onDisk.insert(path) }
        }
        // The tree's state (the sites have a dns section: their zone serials) is beside the marker, not listed.
        let expected = Set(listed.keys).union([OutputDirectory.markerName, Checksums.fileName, TreeState.fileName])
        let missing = expected.subtracting(onDisk).sorted(), extra = onDisk.subtracting(expected).sorted()
        #expect(missing.isEmpty, "seed \(seed): \(missing.count) listed files are missing, e.g. \(missing.prefix(3))")
        #expect(extra.isEmpty, "seed \(seed): \(extra.count) files are not listed, e.g. \(extra.prefix(3))")
        var wrong: [String] = []
        for (path, hash) in listed {
            guard let bytes = FileManager.default.contents(atPath: out + "/" + path) else { continue }
            if Checksums.hex(of: [UInt8](bytes)) != hash { wrong.append(path) }
        }
        #expect(wrong.isEmpty, "seed \(seed): \(wrong.count) files do not match their hash, e.g. \(wrong.sorted().prefix(3))")
        return Found(outcome: outcome, count: onDisk.count)
    }
}
