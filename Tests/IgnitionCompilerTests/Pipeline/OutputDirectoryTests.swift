import Foundation
import Testing
@testable import IgnitionCompiler

@Suite struct OutputDirectoryTests {
    private func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? Int) ?? -1
    }

    @Test func writesTreeWithMarkerAndModes() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let files = [OutputFile("a/b.txt", text: "b\n", mode: 0o644), OutputFile("secret", text: "s\n", mode: 0o600)]
        try OutputDirectory.write(files, to: dir.file("out"))
        #expect(try String(contentsOfFile: dir.file("out/a/b.txt"), encoding: .utf8) == "b\n")
        #expect(try mode(dir.file("out/a/b.txt")) == 0o644)
        #expect(try mode(dir.file("out/secret")) == 0o600)
        #expect(try mode(dir.file("out/a")) == 0o755)
        #expect(FileManager.default.fileExists(atPath: dir.file("out/\(OutputDirectory.markerName)")))
        // Only the tree itself is left: no staging sibling.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out"])
    }

    @Test func replacesAPreviousTreeWhole() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try OutputDirectory.write([OutputFile("old.txt", text: "old\n")], to: dir.file("out"))
        try OutputDirectory.write([OutputFile("new.txt", text: "new\n")], to: dir.file("out/"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("out")).sorted() == [".igncc-output", "new.txt"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out"])
    }

    @Test func refusesADirectoryItDidNotWrite() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file("out"), withIntermediateDirectories: false)
        try dir.write("out/precious.txt", "mine\n")
        #expect(throws: OutputDirectory.WriteError.self) {
            try OutputDirectory.write([OutputFile("x", text: "x\n")], to: dir.file("out"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("out")) == ["precious.txt"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out"])
    }

    @Test func refusesAFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("out", "a file\n")
        #expect(throws: OutputDirectory.WriteError.self) {
            try OutputDirectory.write([OutputFile("x", text: "x\n")], to: dir.file("out"))
        }
        #expect(try String(contentsOfFile: dir.file("out"), encoding: .utf8) == "a file\n")
    }

    @Test func fillsAnEmptyDirectory() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file("out"), withIntermediateDirectories: false)
        try OutputDirectory.write([OutputFile("x", text: "x\n")], to: dir.file("out"))
        #expect(FileManager.default.fileExists(atPath: dir.file("out/x")))
    }

    /// A staging tree left by a killed build (its process gone) is removed by the next build.
    @Test func removesStagingLeftByAKilledBuild() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // A process id that cannot be running: above the kernel's pid_max ceiling.
        let stale = dir.file(".out.igncc-new-4194305")
        try FileManager.default.createDirectory(atPath: stale, withIntermediateDirectories: false)
        try dir.write(".out.igncc-new-4194305/\(OutputDirectory.markerName)", "")
        try OutputDirectory.write([OutputFile("x", text: "x\n")], to: dir.file("out"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out"])
    }

    @Test func rejectsPathsThatLeaveTheTree() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        #expect(throws: OutputDirectory.WriteError.self) {
            try OutputDirectory.write([OutputFile("../escape", text: "x\n")], to: dir.file("out"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
