import Foundation
import Testing
@testable import IgnitionCompiler

/// Compares what an Ignition config says with what a booted disk holds: every file (contents,
/// mode, owner), directory, link, user (passwd, shadow, groups, SSH keys), unit (contents,
/// preset, mask) of the config, read with the project's JSON reader.
struct ConfigOnDisk {
    let config: YAMLNode
    let disk: DiskReader

    /// What was compared, so that a test can say it compared something.
    struct Report {
        var problems: [String] = []
        var checked: [String: Int] = [:]
    }

    /// The bytes served at each http(s) URL a file's `contents.source` names (what the engine
    /// fetched): such a file is compared with them, and is a problem when the map lacks its URL.
    let served: [String: [UInt8]]

    init(configFile: String, disk: DiskReader, served: [String: [UInt8]] = [:]) throws {
        self.served = served
        var diagnostics = Diagnostics()
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: configFile)))
        guard let node = JSONParser().parse(bytes, file: configFile, diagnostics: &diagnostics) else {
            throw BootHarnessError("\(configFile) is not JSON: \(diagnostics.all)")
        }
        config = node
        self.disk = disk
    }

    private func list(_ keys: String...) -> [YAMLNode] {
        var node: YAMLNode? = config
        for key in keys { node = node?.jsonValue(key) }
        if case .sequence(let items)? = node?.kind { return items }
        return []
    }

    private static func strings(_ node: YAMLNode?) -> [String] {
        guard case .sequence(let items)? = node?.kind else { return [] }
        return items.compactMap(\.scalar)
    }

    /// The kernel arguments Ignition's kargs stage hands to the distribution's helper, as the
    /// config lists them.
    var expectedKargsCall: String? {
        let exist = Self.strings(config.jsonValue("kernelArguments")?.jsonValue("shouldExist"))
        let notExist = Self.strings(config.jsonValue("kernelArguments")?.jsonValue("shouldNotExist"))
        if exist.isEmpty && notExist.isEmpty { return nil }
        return (["ignition-kargs-helper"] + exist.flatMap { ["--should-exist", $0] } + notExist.flatMap { ["--should-not-exist", $0] })
            .joined(separator: " ")
    }

    /// /etc/passwd or /etc/group on the disk: name → fields.
    private func table(_ path: String) throws -> [String: [String]] {
        var table: [String: [String]] = [:]
        for line in try disk.contents(path).split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            table[fields[0]] = fields
        }
        return table
    }

    func compare() throws -> Report {
        var report = Report()
        let passwd = try table("/etc/passwd"), group = try table("/etc/group"), shadow = try table("/etc/shadow")
        func id(_ node: YAMLNode?, in table: [String: [String]], _ what: String, _ path: String) -> Int {
            if let id = node?.jsonValue("id")?.scalar.flatMap({ Int($0) }) { return id }
            if let name = node?.jsonValue("name")?.scalar {
                guard let id = table[name].flatMap({ Int($0[2]) }) else {
                    report.problems.append("\(path): \(what) '\(name)' is not on the disk")
                    return -1
                }
                return id
            }
            return 0
        }
        /// The owner a config node gives (`user`, `group` by id or name; root when absent).
        func owner(_ node: YAMLNode?) -> (uid: Int, gid: Int) {
            (id(node?.jsonValue("user"), in: passwd, "user", node?.jsonValue("path")?.scalar ?? ""),
             id(node?.jsonValue("group"), in: group, "group", node?.jsonValue("path")?.scalar ?? ""))
        }
        /// Whether `path` is there (its differences are reported).
        @discardableResult
        func expect(_ path: String, type: String, mode: Int?, owner: (uid: Int, gid: Int), target: String? = nil) throws -> Bool {
            guard let inode = try disk.stat(path) else {
                report.problems.append("\(path): not on the disk")
                return false
            }
            let (uid, gid) = owner
            if inode.type != type { report.problems.append("\(path): a \(inode.type), the config says \(type)") }
            if let mode, inode.mode != mode {
                report.problems.append("\(path): mode \(String(inode.mode, radix: 8)), the config says \(String(mode, radix: 8))")
            }
            if inode.uid != uid || inode.gid != gid {
                report.problems.append("\(path): owner \(inode.uid):\(inode.gid), the config says \(uid):\(gid)")
            }
            if let target, inode.linkTarget != target {
                report.problems.append("\(path): links to '\(inode.linkTarget ?? "")', the config says '\(target)'")
            }
            return true
        }
        func contents(_ path: String, _ expected: String) throws {
            let actual = try disk.contents(path)
            if actual != expected { report.problems.append("\(path): holds '\(actual)', the config says '\(expected)'") }
        }

        for file in list("storage", "files") {
            guard let path = file.jsonValue("path")?.scalar else { continue }
            let mode = file.jsonValue("mode")?.scalar.flatMap { Int($0) } ?? 0o644
            guard try expect(path, type: "regular", mode: mode, owner: owner(file)) else { continue }
            let source = file.jsonValue("contents")?.jsonValue("source")?.scalar ?? "data:,"
            if source.hasPrefix("http://") || source.hasPrefix("https://") {
                guard let bytes = served[source] else {
                    report.problems.append("\(path): the checker was not told what '\(source)' served")
                    continue
                }
                try contents(path, String(decoding: bytes, as: UTF8.self))
                report.checked["remote files", default: 0] += 1
                continue
            }
            guard (file.jsonValue("contents")?.jsonValue("compression")?.scalar ?? "").isEmpty,
                  let bytes = DataURL.decode(source) else {
                report.problems.append("\(path): the checker reads data URLs without compression only")
                continue
            }
            try contents(path, String(decoding: bytes, as: UTF8.self))
            report.checked["files", default: 0] += 1
        }
        for directory in list("storage", "directories") {
            guard let path = directory.jsonValue("path")?.scalar else { continue }
            try expect(path, type: "directory", mode: directory.jsonValue("mode")?.scalar.flatMap { Int($0) } ?? 0o755, owner: owner(directory))
            report.checked["directories", default: 0] += 1
        }
        for link in list("storage", "links") {
            guard let path = link.jsonValue("path")?.scalar, let target = link.jsonValue("target")?.scalar else { continue }
            if link.jsonValue("hard")?.scalar == "true" {
                report.problems.append("\(path): the checker reads symbolic links only")
                continue
            }
            try expect(path, type: "symlink", mode: nil, owner: owner(link), target: target)
            report.checked["links", default: 0] += 1
        }
        for user in list("passwd", "users") {
            guard let name = user.jsonValue("name")?.scalar else { continue }
            guard let entry = passwd[name], entry.count == 7 else {
                report.problems.append("user \(name): not in /etc/passwd")
                continue
            }
            if let uid = user.jsonValue("uid")?.scalar, entry[2] != uid {
                report.problems.append("user \(name): uid \(entry[2]), the config says \(uid)")
            }
            if let gecos = user.jsonValue("gecos")?.scalar, entry[4] != gecos {
                report.problems.append("user \(name): gecos '\(entry[4])', the config says '\(gecos)'")
            }
            let home = user.jsonValue("homeDir")?.scalar ?? (name == "root" ? "/root" : "/home/\(name)")
            if entry[5] != home { report.problems.append("user \(name): home \(entry[5]), the config says \(home)") }
            let hash = user.jsonValue("passwordHash")?.scalar ?? "*"
            if shadow[name]?[1] != hash {
                report.problems.append("user \(name): /etc/shadow has '\(shadow[name]?[1] ?? "no entry")', the config says '\(hash)'")
            }
            for groupName in Self.strings(user.jsonValue("groups")) {
                let members = group[groupName].map { $0[3].split(separator: ",").map(String.init) } ?? []
                if !members.contains(name) { report.problems.append("user \(name): not a member of '\(groupName)'") }
            }
            let keys = Self.strings(user.jsonValue("sshAuthorizedKeys"))
            if !keys.isEmpty {
                // Ignition 2.14 writes the keys as a fragment of sshd's authorized_keys.d.
                let account = (uid: Int(entry[2]) ?? -1, gid: Int(entry[3]) ?? -1)
                try expect("\(home)/.ssh", type: "directory", mode: 0o700, owner: account)
                if try expect("\(home)/.ssh/authorized_keys.d/ignition", type: "regular", mode: 0o600, owner: account) {
                    try contents("\(home)/.ssh/authorized_keys.d/ignition", keys.map { $0 + "\n" }.joined())
                }
            }
            report.checked["users", default: 0] += 1
        }
        let presetFile = "/etc/systemd/system-preset/20-ignition.preset"
        let presets = try disk.stat(presetFile) == nil ? [] : try disk.contents(presetFile).split(separator: "\n").map(String.init)
        for unit in list("systemd", "units") {
            guard let name = unit.jsonValue("name")?.scalar else { continue }
            let path = "/etc/systemd/system/\(name)"
            if unit.jsonValue("mask")?.scalar == "true" {
                try expect(path, type: "symlink", mode: nil, owner: (0, 0), target: "/dev/null")
            } else if let text = unit.jsonValue("contents")?.scalar {
                if try expect(path, type: "regular", mode: 0o644, owner: (0, 0)) { try contents(path, text) }
            }
            switch unit.jsonValue("enabled")?.scalar {
            case "true": if !presets.contains("enable \(name)") { report.problems.append("\(name): no 'enable \(name)' preset") }
            case "false": if !presets.contains("disable \(name)") { report.problems.append("\(name): no 'disable \(name)' preset") }
            default: break
            }
            report.checked["units", default: 0] += 1
        }
        return report
    }
}
