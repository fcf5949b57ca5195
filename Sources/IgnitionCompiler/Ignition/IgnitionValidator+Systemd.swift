/// The systemd and passwd sections, and `Config.Validate`'s check of storage paths against units.
extension ValidationRun {
    private static let unitSuffixes: Set<String> = [".service", ".socket", ".device", ".mount", ".automount", ".swap",
                                                       ".target", ".path", ".timer", ".snapshot", ".slice", ".scope"]

    mutating func systemd(_ systemd: Spot) {
        let units = systemd.items("units")
        for unit in units {
            let name = unit.string("name") ?? ""
            if !Self.unitSuffixes.contains(GoPath.ext(name)) { error("invalid systemd unit extension", at: unit.at("name")) }
            let options = unitContents(unit)
            // validations.ValidateInstallSection: enabling a unit with no [Install] does nothing.
            if unit.isTrue("enabled"), unit.notEmpty("contents"), let options, !options.contains(where: { $0.section == "Install" }) {
                warning("unit \(GoQuote.quote(name)) is enabled, but has no install section so enable does nothing", at: unit.at("contents"))
            }
            let dropins = unit.items("dropins")
            for dropin in dropins {
                _ = unitContents(dropin)
                if GoPath.ext(dropin.string("name") ?? "") != ".conf" {
                    error("invalid systemd drop-in extension", at: dropin.at("name"))
                }
            }
            duplicates(dropins, keyedBy: "name")
        }
        duplicates(units, keyedBy: "name")
        templatesWithoutInstall(units)
    }

    /// `parse.ParseUnitContents`: the options of a unit or drop-in, nil (and an error) when
    /// go-systemd cannot read it.
    private mutating func unitContents(_ unit: Spot) -> [SystemdUnitParser.Option]? {
        guard let contents = unit.string("contents") else { return [] }
        do {
            return try SystemdUnitParser.parse(contents)
        } catch {
            self.error("invalid unit content: \(error.message)", at: unit.at("contents"))
            return nil
        }
    }

    /// `Systemd.Validate`: an enabled instance `a@b.service` whose template `a@.service` is in
    /// the config with contents but no [Install] section.
    private mutating func templatesWithoutInstall(_ units: [Spot]) {
        var byName: [[UInt8]: Spot] = [:]
        for unit in units { byName[Array((unit.string("name") ?? "").utf8)] = unit }
        for unit in units where unit.isTrue("enabled") {
            let name = unit.string("name") ?? ""
            // ^(.+?)@(.+?)\.service$, where "." matches no newline.
            let bytes = Array(name.utf8), suffix = Array(".service".utf8)
            guard !bytes.contains(0x0A), bytes.count > suffix.count, bytes.suffix(suffix.count).elementsEqual(suffix),
                  let at = bytes.dropFirst().firstIndex(of: UInt8(ascii: "@")), bytes.count - at - 1 > suffix.count else { continue }
            let template = String(decoding: bytes[..<at], as: UTF8.self) + "@.service"
            guard let instantiable = byName[Array(template.utf8)], instantiable.notEmpty("contents"),
                  let options = try? SystemdUnitParser.parse(instantiable.string("contents") ?? "") else { continue }
            if !options.contains(where: { $0.section == "Install" }) {
                warning("template unit \(GoQuote.quote(template)) for \(GoQuote.quote(name)) doesn't have Install section",
                        at: unit.at("contents"))
            }
        }
    }

    mutating func passwd(_ passwd: Spot) {
        let users = passwd.items("users")
        for user in users {
            duplicates(user.items("groups"))
            duplicates(user.items("sshAuthorizedKeys"))
        }
        duplicates(users, keyedBy: "name")
        duplicates(passwd.items("groups"), keyedBy: "name")
    }

    /// `Config.Validate`: a file, directory or link at the path of a unit or drop-in the config writes.
    mutating func unitPathConflicts(_ root: Spot) {
        var unitPaths = Set<[UInt8]>()
        for unit in root["systemd"]?.items("units") ?? [] {
            let name = unit.string("name") ?? ""
            if unit.notEmpty("contents") { unitPaths.insert(Array(("/etc/systemd/system/" + name).utf8)) }
            for dropin in unit.items("dropins") where dropin.notEmpty("contents") {
                unitPaths.insert(Array(("/etc/systemd/system/" + name + ".d/" + (dropin.string("name") ?? "")).utf8))
            }
        }
        guard !unitPaths.isEmpty, let storage = root["storage"] else { return }
        for node in storage.items("files") + storage.items("directories") + storage.items("links")
        where unitPaths.contains(Array((node.string("path") ?? "").utf8)) {
            error("path conflicts with systemd unit or dropin", at: node.at("path"))
        }
    }
}
