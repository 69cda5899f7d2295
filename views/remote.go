package views

// What the views say where a remote engine's host would have to be read from its own /proc:
// the namespaces, the processes, pressure, interface addresses and veth peers. A dash there
// would look like data ("no address"); these say why there is none.
const (
	notForRemote = "not available for a remote host"
	remoteCell   = "n/a (remote)"
)
