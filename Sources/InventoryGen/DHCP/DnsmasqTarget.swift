import IgnitionCompiler

/// `out/dnsmasq/<site>.conf`: one dnsmasq configuration serving DHCP (and PXE over TFTP) on every
/// network with a `dhcp` section, for `conf-file=` or /etc/dnsmasq.d/. DNS stays off (`port=0`):
/// the site's names are BIND's (`bind-zone`), and dnsmasq's DNS on port 53 would take named's.
struct DnsmasqTarget: Backend {
    var target: BuildTarget { .dnsmasq }

    func check(_ site: Site, explicit: Bool, into diagnostics: inout Diagnostics) {
        if explicit && DHCPPlan(site).isEmpty {
            diagnostics.error("no network has a 'dhcp' section: the dnsmasq target has nothing to build", at: nil)
        }
    }

    func files(for site: Site, options: BuildOptions) -> [OutputFile] {
        let plan = DHCPPlan(site)
        guard !plan.isEmpty else { return [] }
        return [OutputFile("dnsmasq/\(plan.site).conf", text: DnsmasqConfig.render(plan))]
    }
}

/// dnsmasq's configuration lines for a plan: the PXE tags and TFTP server once, then per network
/// (tagged `net-<network>` by its `dhcp-range`) the range, options, boot files and reservations.
enum DnsmasqConfig {
    /// Tags set from the request: iPXE by its user class (option 77), the firmware by its client
    /// architecture (option 93, RFC 4578: 0 is BIOS, 7 and 9 are x86-64 UEFI).
    static let ipxeTag = "ipxe", biosTag = "bios", uefiTag = "efi-x86_64"

    static func render(_ plan: DHCPPlan) -> String {
        var lines = [
            "# dnsmasq configuration of site '\(plan.site)', written by igncc: DHCP for the networks with a",
            "# 'dhcp' section. Use it with conf-file= or in /etc/dnsmasq.d/, with interface= (or --interface)",
            "# naming where to listen. DNS is off (port=0): the site's names are in its BIND zones.",
            "port=0",
        ]
        if let root = plan.tftpRoot {
            lines += [
                "",
                "# PXE: BIOS firmware (client architecture 0) gets \(DHCPService.biosBootFile) and x86-64 UEFI (7, 9)",
                "# \(DHCPService.uefiBootFile) by TFTP from \(root); iPXE (user class 'iPXE') gets igncc serve's boot script.",
                "dhcp-userclass=set:\(ipxeTag),iPXE",
                "dhcp-match=set:\(biosTag),option:client-arch,0",
                "dhcp-match=set:\(uefiTag),option:client-arch,7",
                "dhcp-match=set:\(uefiTag),option:client-arch,9",
                "enable-tftp",
                "tftp-root=\(root)",
            ]
        }
        for subnet in plan.subnets {
            lines += [""] + self.lines(subnet)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func lines(_ subnet: DHCPPlan.Subnet) -> [String] {
        let tag = "net-" + subnet.network
        let netmask = subnet.cidr.netmask
        var lines = ["# network '\(subnet.network)' (\(subnet.cidr))" + (subnet.pool == nil ? ": reservations only" : "")]
        if let pool = subnet.pool {
            lines.append("dhcp-range=set:\(tag),\(pool.first),\(pool.last),\(netmask),\(subnet.lease.text)")
        } else {
            lines.append("dhcp-range=set:\(tag),\(subnet.cidr.address),static,\(netmask),\(subnet.lease.text)")
        }
        // Without a value dnsmasq sends no router; without this line it would send its own address.
        lines.append("dhcp-option=tag:\(tag),option:router" + (subnet.router.map { ",\($0)" } ?? ""))
        if !subnet.dns.isEmpty {
            lines.append("dhcp-option=tag:\(tag),option:dns-server," + subnet.dns.map(\.description).joined(separator: ","))
        }
        lines.append("dhcp-option=tag:\(tag),option:domain-name,\(subnet.domain)")
        if !subnet.search.isEmpty {
            lines.append("dhcp-option=tag:\(tag),option:domain-search," + subnet.search.joined(separator: ","))
        }
        if let pxe = subnet.pxe {
            // dhcp-boot=FILE,SERVER NAME,SERVER ADDRESS: without an address, siaddr is dnsmasq's own.
            let server = pxe.nextServer.map { ",,\($0)" } ?? ""
            lines += [
                "dhcp-boot=tag:\(tag),tag:!\(ipxeTag),tag:\(biosTag),\(DHCPService.biosBootFile)\(server)",
                "dhcp-boot=tag:\(tag),tag:!\(ipxeTag),tag:\(uefiTag),\(DHCPService.uefiBootFile)\(server)",
                "dhcp-boot=tag:\(tag),tag:\(ipxeTag),\(pxe.bootURL)",
            ]
        }
        for reservation in subnet.reservations {
            lines.append("dhcp-host=\(reservation.mac),\(reservation.address),\(reservation.hostname)")
        }
        return lines
    }
}
