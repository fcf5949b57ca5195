import IgnitionCompiler

extension LibvirtLab {
    /// `domains/<host>.xml`: a KVM guest (domain.rng) for one host.
    ///
    /// Its disk is a qcow2 overlay of the OS image, made by lab.sh; its Ignition config is handed
    /// over by QEMU's fw_cfg under the key the host's OS reads; one virtio NIC per NIC on a lab
    /// network, with the site's MAC so that the host's network files match it.
    func domainElement(_ machine: Machine) -> XML.Element {
        let host = machine.host
        let disk = XML.Element("disk", [("type", "file"), ("device", "disk")], elements: [
            XML.Element("driver", [("name", "qemu"), ("type", "qcow2")]),
            XML.Element("source", [("file", overlayPath(host))]),
            XML.Element("backingStore", [("type", "file")], elements: [
                XML.Element("format", [("type", "qcow2")]),
                XML.Element("source", [("file", Self.baseImage(of: host))]),
            ]),
            XML.Element("target", [("dev", "vda"), ("bus", "virtio")]),
        ])
        let interfaces = machine.nics.map { nic in
            XML.Element("interface", [("type", "network")], elements: [
                XML.Element("mac", [("address", nic.mac.value.description)]),
                XML.Element("source", [("network", networkName(nic.network.value))]),
                XML.Element("model", [("type", "virtio")]),
            ])
        }
        let devices = [disk] + interfaces + [
            XML.Element("serial", [("type", "pty")], elements: [XML.Element("target", [("port", "0")])]),
            XML.Element("console", [("type", "pty")], elements: [XML.Element("target", [("type", "serial"), ("port", "0")])]),
            XML.Element("rng", [("model", "virtio")], children: [
                .element(XML.Element("backend", [("model", "random")], children: [.text("/dev/urandom")])),
            ]),
        ]
        return XML.Element("domain", [("type", "kvm")], elements: [
            XML.Element("name", text: domainName(host)),
            XML.Element("uuid", text: Self.domainUUID(site: site, host: host)),
            XML.Element("memory", [("unit", "MiB")], children: [.text(String(host.vm.memoryMiB))]),
            XML.Element("vcpu", text: String(host.vm.vcpus)),
            XML.Element("sysinfo", [("type", "fwcfg")], elements: [
                XML.Element("entry", [("name", Self.firmwareConfigKey(for: host.os.value)), ("file", configPath(host))]),
            ]),
            XML.Element("os", elements: [
                XML.Element("type", [("arch", "x86_64"), ("machine", "q35")], children: [.text("hvm")]),
                XML.Element("boot", [("dev", "hd")]),
            ]),
            XML.Element("features", elements: [XML.Element("acpi"), XML.Element("apic")]),
            XML.Element("devices", elements: devices),
        ])
    }
}
