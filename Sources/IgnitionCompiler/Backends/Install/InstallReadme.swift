/// `install/README.txt`: for each host, what it is and the exact commands that install it; then
/// how `igncc serve` and iPXE install them over the network.
enum InstallReadme {
    static func render(_ plan: InstallPlan) -> String {
        guard let baseURL = plan.baseURL else { return "" }
        let title = "Installing the hosts of site '\(plan.site)'"
        var text = """
        \(title)
        \(String(repeating: "=", count: title.count))

        Written by igncc from site.yaml; rebuild instead of editing. Each host's Ignition config is
        served at

            \(baseURL)/ignition/<host>.ign

        and every command below refuses a config whose SHA-512 is not the one printed here, so
        plain HTTP is safe for the configs.

        By hand: boot the host's live system (the Fedora CoreOS live ISO or PXE image, or a Flatcar
        live system), then run as root the commands below, which are also install/<host>.sh.

        """
        for host in plan.hosts {
            guard let served = host.served else { continue }
            text += """

            \(host.name)
            \(String(repeating: "-", count: host.name.count))
            OS:      \(InstallScript.osName(host.os)) (\(host.os.rawValue))
            MACs:    \(host.macs.joined(separator: ", "))
            Disk:    \(host.installDisk) (erased)
            Config:  \(host.ignitionPath)
            SHA-512: \(served.sha512)
            Run:

            """
            let commands = InstallScript.interactiveCommands(for: host, served: served)
            text += commands.map { $0.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
                .joined(separator: "\n") }.joined(separator: "\n") + "\n"
        }
        let fcos = InstallPlan.defaultImagePaths(.fcos)
        let flatcar = InstallPlan.defaultImagePaths(.flatcar)
        text += """

        Over the network: igncc serve
        -----------------------------
        `igncc serve` serves this output directory at the base URL, and its --assets folder at
        /assets/. Point DHCP's boot file for iPXE clients at

            \(baseURL)/boot.ipxe

        That script chains to /ipxe?mac=${mac:hexhyp}, which answers with the host's
        install/ipxe/<host>.ipxe (found by MAC in install/hosts.json). A Fedora CoreOS host boots
        the live system, which installs itself on its disk with its config and reboots; a Flatcar
        host boots Flatcar in RAM with its config, from where install/<host>.sh installs it on
        disk. A kernel command line cannot carry the config's hash: on this path the config is
        trusted as served. A host with a static address gets it on the kernel command line
        (dracut's ifname=, ip= and nameserver=), so it needs no DHCP lease once iPXE has loaded
        the kernel. serve.kernel_args in site.yaml (or a host's own kernel_args) end the command
        line: igncc adds no console= of its own, so a serial console shows the live system only
        with one there (console=tty0 console=ttyS0,115200n8).

        Another web server (nginx, an object store, a CDN) may serve this output directory at the
        base URL instead, exposing only boot.ipxe, ignition/, install/ and the boot images under
        assets/ (the rest describes the site, its secrets included). The directory's own
        boot.ipxe then does the same search with static files: it chains to
        install/by-mac/<mac>.ipxe for the MAC of each NIC (one copy of the host's
        install/ipxe/<host>.ipxe per MAC, lowercase with hyphens), and a machine that no host
        has prints its MACs and a site.yaml stub, then boots from its local disk. Nothing logs
        it there: igncc serve does, and answers /boot.ipxe itself.

        Boot images: serve.images in site.yaml (each an http(s) URL or a path relative to the base
        URL). By default, under the base URL:
            \(fcos.kernel)
            \(fcos.initramfs)
            \(fcos.rootfs ?? "")
            \(flatcar.kernel)
            \(flatcar.initramfs)

        """
        return text
    }
}
