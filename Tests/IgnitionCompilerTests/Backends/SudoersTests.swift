import Foundation
import Testing
@testable import IgnitionCompiler
import InventoryGen

/// What Debian's real `sudo -l -U` says of the login user igncc creates, under each system's own
/// sudoers text: Kubespray's `become` needs passwordless sudo, and the user has no password.
/// The system's /etc/passwd, /etc/group and sudoers are bind-mounted over this machine's in a
/// private mount namespace (`unshare -m`), so nothing outside the test changes.
@Suite struct SudoersTests {
    /// Fedora's /etc/sudoers (the lines that grant anything) and Fedora CoreOS's drop-in.
    static let fcosSudoers = "Defaults env_reset\nroot ALL=(ALL) ALL\n%wheel ALL=(ALL) ALL\n@includedir /etc/sudoers.d\n"
    static let fcosDropIns = ["coreos-sudo-group": "%sudo ALL=(ALL) NOPASSWD: ALL\n"]
    /// Flatcar's baselayout sudoers.
    static let flatcarSudoers = """
        Defaults env_keep += "LESSCHARSET"
        root ALL=(ALL) ALL
        %wheel ALL=(ALL) ALL
        %sudo ALL=(ALL) NOPASSWD: ALL
        core ALL=(ALL) NOPASSWD: ALL
        #includedir /etc/sudoers.d

        """
    /// The groups each system has (with their ids), which the user may join.
    static let fcosGroups = ["root": 0, "adm": 4, "wheel": 10, "sudo": 16, "systemd-journal": 190]
    static let flatcarGroups = ["root": 0, "adm": 4, "wheel": 10, "sudo": 150, "docker": 233, "systemd-journal": 248]

    /// `sudo -l -U user` with `groups` as the user's supplementary groups, under the given system files.
    static func sudoList(user: String, groups: [String], systemGroups: [String: Int], sudoers: String,
                         dropIns: [String: String]) throws -> String {
        let sudo = try #require(which("sudo"), "'sudo' is missing: install the Debian package 'sudo'")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("passwd", "root:x:0:0:root:/root:/bin/bash\n\(user):x:1000:1000::/home/\(user):/bin/bash\n")
        var groupFile = ""
        for (name, gid) in systemGroups.sorted(by: { $0.value < $1.value }) {
            groupFile += "\(name):x:\(gid):\(groups.contains(name) ? user : "")\n"
        }
        groupFile += "\(user):x:1000:\n"
        try dir.write("group", groupFile)
        try dir.write("sudoers", sudoers)
        try FileManager.default.createDirectory(atPath: dir.file("sudoers.d"), withIntermediateDirectories: true)
        for (name, text) in dropIns { try dir.write("sudoers.d/\(name)", text) }
        for file in ["sudoers"] + dropIns.keys.map({ "sudoers.d/\($0)" }) { chmod(dir.file(file), 0o440) }
        let script = """
            set -e
            for f in passwd group sudoers sudoers.d; do mount --bind "$1/$f" "/etc/$f"; done
            exec "$2" -l -U "$3"
            """
        let result = try runProcess("/usr/bin/unshare", ["-m", "/bin/sh", "-c", script, "sh", dir.path, sudo, user])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    static func groups(of yaml: String) throws -> [String] {
        let site = try compile(yaml)
        let config = IgnitionBackend.generated(for: site.hosts[0], in: site)
        guard case .list(let users)? = config["passwd"]?["users"]?.value, case .list(let groups)? = users.first?["groups"]?.value else {
            return []
        }
        return groups.compactMap(\.string)
    }

    @Test func fcosUserGetsPasswordlessSudo() throws {
        let groups = try Self.groups(of: minimalSite.replacingOccurrences(of: "  os: fcos\n", with: "  os: fcos\n  user: felip\n"))
        let listed = try Self.sudoList(user: "felip", groups: groups, systemGroups: Self.fcosGroups, sudoers: Self.fcosSudoers,
                                       dropIns: Self.fcosDropIns)
        #expect(listed.contains("(ALL) NOPASSWD: ALL"), "\(listed)")
        // The negative control: `wheel` alone, what igncc gave before, asks for a password.
        let wheelOnly = try Self.sudoList(user: "felip", groups: ["wheel"], systemGroups: Self.fcosGroups,
                                          sudoers: Self.fcosSudoers, dropIns: Self.fcosDropIns)
        #expect(!wheelOnly.contains("NOPASSWD"), "\(wheelOnly)")
    }

    @Test func flatcarUserGetsPasswordlessSudo() throws {
        let groups = try Self.groups(of: minimalSite.replacingOccurrences(of: "  os: fcos\n", with: "  os: flatcar\n  user: felip\n"))
        #expect(groups.allSatisfy { Self.flatcarGroups[$0] != nil }, "a group Flatcar lacks: \(groups)")
        let listed = try Self.sudoList(user: "felip", groups: groups, systemGroups: Self.flatcarGroups,
                                       sudoers: Self.flatcarSudoers, dropIns: [:])
        #expect(listed.contains("(ALL) NOPASSWD: ALL"), "\(listed)")
    }
}
