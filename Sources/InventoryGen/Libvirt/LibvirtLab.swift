import IgnitionCompiler

/// What the libvirt lab of a site is made of: the networks with a `libvirt` section and, for each
/// host that can be attached to one of them, a VM. Computed once from the `Site`; the rules in
/// `LibvirtTarget`, the XML and lab.sh all read it, so they agree on what exists.
struct LibvirtLab {
    struct Machine {
        var host: Host
        /// The NICs on lab networks, in the host's order: the VM's interfaces.
        var nics: [NIC]
        /// The NICs on networks without a `libvirt` section: left out of the VM.
        var leftOut: [NIC]
    }

    /// Where lab.sh puts the overlays and configs, and where the domain XML says they are.
    static let imagesRoot = "/var/lib/libvirt/images"

    let site: Site
    /// The networks with a `libvirt` section, in site order.
    let networks: [Network]
    /// Every host, in site order, with its NICs split by whether they can be attached.
    let machines: [Machine]

    init(_ site: Site) {
        self.site = site
        networks = site.networks.filter { $0.libvirt != nil }
        let labNetworks = Set(networks.map(\.name.value))
        machines = site.hosts.map { host in
            Machine(host: host,
                    nics: host.nics.filter { labNetworks.contains($0.network.value) },
                    leftOut: host.nics.filter { !labNetworks.contains($0.network.value) })
        }
    }

    /// The hosts that get a VM: those with at least one attachable NIC.
    var domains: [Machine] { machines.filter { !$0.nics.isEmpty } }

    var isEmpty: Bool { networks.isEmpty }

    // MARK: Names and paths

    /// libvirt's name of a network: prefixed with the site so that it clashes neither with
    /// libvirt's 'default' nor with another site's lab on the same machine.
    func networkName(_ network: String) -> String { site.name.value + "-" + network }

    func domainName(_ host: Host) -> String { site.name.value + "-" + host.name.value }

    /// The directory of this site's overlays and copied configs.
    var imagesDirectory: String { Self.imagesRoot + "/" + site.name.value }

    func overlayPath(_ host: Host) -> String { imagesDirectory + "/" + host.name.value + ".qcow2" }

    func configPath(_ host: Host) -> String { imagesDirectory + "/" + host.name.value + ".ign" }

    /// The OS image a host's overlay is backed by: `vm.image`, else `<root>/<os>.qcow2`.
    static func baseImage(of host: Host) -> String {
        host.vm.image?.value ?? imagesRoot + "/" + host.os.value.rawValue + ".qcow2"
    }

    /// The fw_cfg key each OS's Ignition reads its config from under QEMU.
    static func firmwareConfigKey(for os: OperatingSystem) -> String {
        switch os {
        case .fcos: return "opt/com.coreos/config"
        case .flatcar: return "opt/org.flatcar-linux/config"
        }
    }

    static func domainUUID(site: Site, host: Host) -> String {
        NameUUID.make("libvirt-domain/\(site.name.value)/\(host.name.value)")
    }

    static func networkUUID(site: Site, network: Network) -> String {
        NameUUID.make("libvirt-network/\(site.name.value)/\(network.name.value)")
    }
}
