import Foundation
import Testing
@testable import IgnitionCompiler

/// `timezone` against the IANA names, and interface names in the kernel's own namespace.
@Suite struct HostNameRulesTests {
    private func withTimezone(_ tz: String) -> String {
        minimalSite.replacingOccurrences(of: "  os: fcos\n", with: "  os: fcos\n  timezone: \(tz)\n")
    }

    @Test func timezonesAreIANANames() throws {
        for name in ["America/Toronto", "Europe/Paris", "UTC", "Etc/UTC", "US/Eastern", "Asia/Calcutta", "America/Argentina/Buenos_Aires"] {
            #expect(diagnose(withTimezone(name)) == [], "\(name)")
        }
        #expect(diagnose(withTimezone("Europe/Pari")) == [
            "site.yaml:6:13: error: 'Europe/Pari' is not an IANA time zone name (tzdata \(TimeZoneNames.release)) such as 'Europe/Paris'; did you mean 'Europe/Paris'?",
        ])
        #expect(diagnose(withTimezone("america/toronto")) == [
            "site.yaml:6:13: error: 'america/toronto' is not an IANA time zone name (tzdata \(TimeZoneNames.release)) such as 'Europe/Paris'; did you mean 'America/Toronto'?",
        ])
        #expect(diagnose(withTimezone("Toronto")) == [
            "site.yaml:6:13: error: 'Toronto' is not an IANA time zone name (tzdata \(TimeZoneNames.release)) such as 'Europe/Paris'; did you mean 'America/Toronto'?",
        ])
        #expect(diagnose(withTimezone("Mars/Olympus_Mons")) == [
            "site.yaml:6:13: error: 'Mars/Olympus_Mons' is not an IANA time zone name (tzdata \(TimeZoneNames.release)) such as 'Europe/Paris'",
        ])
    }

    /// The table is the zoneinfo database the nodes link /etc/localtime into: every name in it is
    /// a compiled zone (TZif) in Debian's tzdata, and every zone and link of that tzdata is in it
    /// when the releases match (names are only ever added).
    @Test func theTableIsTheZoneinfoDatabase() throws {
        let zoneinfo = "/usr/share/zoneinfo"
        for name in TimeZoneNames.all {
            let bytes = try #require(FileManager.default.contents(atPath: zoneinfo + "/" + name), "\(name) is not in \(zoneinfo)")
            #expect(bytes.prefix(4) == Data("TZif".utf8), "\(name)")
        }
        let zi = try String(contentsOfFile: zoneinfo + "/tzdata.zi", encoding: .utf8)
        let installed = zi.split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: " ")
            if fields.first == "Z", fields.count > 1 { return String(fields[1]) }
            if fields.first == "L", fields.count > 2 { return String(fields[2]) }
            return nil
        }
        #expect(installed.count > 500)
        let release = zi.split(separator: "\n").first { $0.hasPrefix("# version ") }?.dropFirst("# version ".count)
        if release.map(String.init) == TimeZoneNames.release {
            #expect(Set(installed) == Set(TimeZoneNames.all))
        } else {
            #expect(Set(TimeZoneNames.all).subtracting(installed).isEmpty)
        }
    }

    @Test func kernelInterfaceNamesAreWarnedAbout() throws {
        let pinned = minimalSite.replacingOccurrences(of: "{mac: 52:54:00:00:01:21, network: lan",
                                                      with: "{mac: 52:54:00:00:01:21, name: eth0, network: lan")
        #expect(pinned != minimalSite)
        #expect(diagnose(pinned) == [
            "site.yaml:18:40: warning: interface name 'eth0' is in the kernel's own 'ethN' namespace: another NIC may be given it at boot, and the rename then fails or races (systemd.link(5)); pin a name such as 'lan0'",
        ])
        for fine in ["lan0", "eth", "ethx1", "eno1", "eth0.100"] {
            #expect(diagnose(pinned.replacingOccurrences(of: "name: eth0", with: "name: \(fine)")) == [], "\(fine)")
        }
        #expect(diagnose(pinned.replacingOccurrences(of: "name: eth0", with: "name: eth12")).count == 1)
    }
}
