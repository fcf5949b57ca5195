import IgnitionCompiler

/// The inventory backends (Kubespray inventory, BIND zones, libvirt XML), each a function of
/// the `Site` IR alone, as the Ignition and network backends are. They come with issue 4;
/// this namespace is where they will live.
public enum InventoryGen {}
