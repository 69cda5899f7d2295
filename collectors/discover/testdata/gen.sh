#!/bin/bash
# Rebuilds testdata/{v1,v2}/proc: fixture /proc trees (cgroup, comm and status files) of a
# cgroup v2 systemd host and a hybrid v1 cgroupfs host. Container ids are the sha256 of a label,
# which the tests recompute with fixtureID. Run from anywhere: bash testdata/gen.sh
set -e
T=$(cd "$(dirname "$0")" && pwd)
rm -rf $T/v1 $T/v2
id() { printf '%s' "$1" | sha256sum | cut -c1-64; }
D=$(id docker-systemd); P=$(id podman4); POD=$(id podpod); PP=$(id podman-in-pod); R=$(id rootless)
KP=$(id k8s-pause); KC=$(id k8s-nginx); KG=$(id k8s-guaranteed); CR=$(id crio)
DC=$(id docker-cgroupfs); DIND=$(id dind); DS=$(id docker-systemd-v1); PC=$(id podman-cgroupfs)
KP1=$(id k8s-pause-v1); KB=$(id k8s-app-v1); KG2=$(id k8s-guaranteed-v1); CR2=$(id crio-v1)
U1=8a5c1f34_2b6e_4f0a_9c1d_3e7f5a9b0c12; U2=0b6d2e1a_77c4_4f6e_8d21_5a3c9e0f4b11; U3=d41f7a60_1e2b_4c3d_9e8f_0a1b2c3d4e5f
V1U1=5c9e2d10-3a4b-4c5d-8e6f-7a8b9c0d1e2f; V1U2=9f8e7d6c-5b4a-4321-8fed-cba987654321; V1U3=2468ace0-1357-4bdf-8ace-02468ace1357

proc() { # root pid comm ppid cgroup-file-content ; content "-" = no cgroup file
  local d=$1/proc/$2; mkdir -p $d
  [ "$5" = "-" ] && return
  printf '%s' "$5" > $d/cgroup
  [ -z "$3" ] && return
  printf '%s\n' "$3" > $d/comm
  printf 'Name:\t%s\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t%s\nNgid:\t0\nPid:\t%s\nPPid:\t%s\nTracerPid:\t0\nUid:\t0\t0\t0\t0\n' "$3" $2 $2 $4 > $d/status
}
v2() { proc $T/v2 $1 "$2" $3 "0::$4"$'\n'; }
v2 1 systemd 0 /init.scope
v2 2 kthreadd 0 /
v2 480 dockerd 1 /system.slice/docker.service
v2 490 containerd 1 /system.slice/containerd.service
v2 900 sshd 1 /user.slice/user-1000.slice/session-2.scope
v2 905 bash 900 /user.slice/user-1000.slice/session-2.scope
v2 1180 "" 1190 /system.slice/docker-$D.scope
v2 1190 containerd-shim 1 /system.slice/docker-$D.scope
v2 1150 sh 1200 /system.slice/docker-$D.scope
v2 1200 nginx 1190 /system.slice/docker-$D.scope
v2 1260 nginx 1200 /system.slice/docker-$D.scope/inner
v2 2000 conmon 1 /machine.slice/libpod-conmon-$P.scope
v2 2010 httpd 2000 /machine.slice/libpod-$P.scope/container
v2 2011 httpd 2010 /machine.slice/libpod-$P.scope/container
v2 2050 conmon 1 /machine.slice/machine-libpod_pod_$POD.slice/libpod-conmon-$PP.scope
v2 2060 redis-server 2050 /machine.slice/machine-libpod_pod_$POD.slice/libpod-$PP.scope/container
v2 2090 systemd 1 /user.slice/user-1000.slice/user@1000.service/init.scope
v2 2100 conmon 2090 /user.slice/user-1000.slice/user@1000.service/user.slice/libpod-conmon-$R.scope
v2 2105 crun 2100 /user.slice/user-1000.slice/user@1000.service/user.slice/libpod-$R.scope
v2 2110 app 2105 /user.slice/user-1000.slice/user@1000.service/user.slice/libpod-$R.scope
v2 3990 containerd-shim 1 /system.slice/containerd.service
v2 4000 pause 3990 /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod$U1.slice/cri-containerd-$KP.scope
v2 4010 nginx 3990 /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod$U1.slice/cri-containerd-$KC.scope
v2 4011 nginx 4010 "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod$U1.slice/cri-containerd-$KC.scope (deleted)"
v2 4100 app 3990 /kubepods.slice/kubepods-pod$U2.slice/cri-containerd-$KG.scope
v2 5000 conmon 1 /kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod$U3.slice/crio-conmon-$CR.scope
v2 5010 sleep 5000 /kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod$U3.slice/crio-$CR.scope
v2 5990 lxc-start 1 /lxc.monitor.web
v2 6000 init 5990 /lxc.payload.web
v2 6001 systemd-journal 6000 /lxc.payload.web/system.slice/systemd-journald.service
v2 6990 "(sd-pam)" 1 '/machine.slice/machine-db\x2d01.scope/payload/user.slice/user-0.slice/user@0.service/init.scope'
v2 7000 systemd-nspawn 905 '/machine.slice/machine-db\x2d01.scope/supervisor'
v2 7001 systemd 7000 '/machine.slice/machine-db\x2d01.scope/payload/init.scope'
v2 7040 systemd 7001 '/machine.slice/machine-db\x2d01.scope/payload/user.slice/user-0.slice/user@0.service/init.scope'
v2 7500 qemu-system-x86 1 '/machine.slice/machine-qemu\x2d1\x2dvm1.scope/libvirt/emulator'
proc $T/v2 8000 "" 0 -

# Hybrid v1: every controller on its own line, a name=systemd line and the empty unified line.
v1() { # pid comm ppid path [unified] [memory-path]
  local p=$4 u=${5-/} m=${6-$4}
  proc $T/v1 $1 "$2" $3 "12:pids:$p
11:memory:$m
10:cpu,cpuacct:$p
9:blkio:$p
8:devices:$p
7:freezer:$p
6:net_cls,net_prio:$p
5:cpuset:$p
4:perf_event:$p
3:hugetlb:$p
2:rdma:/
1:name=systemd:$p
0::$u
"; }
v1 1 systemd 0 /init.scope /init.scope
v1 2 kthreadd 0 /
v1 480 dockerd 1 /system.slice/docker.service /system.slice/docker.service
v1 900 sshd 1 /user.slice/user-1000.slice/session-2.scope /user.slice/user-1000.slice/session-2.scope
v1 1300 containerd-shim 1 /docker/$DC
v1 1310 tini 1300 /docker/$DC
v1 1320 app 1310 /docker/$DC/inner
v1 1330 sleep 1320 /docker/$DC/docker/$DIND /docker/$DC/docker/$DIND
v1 1395 containerd-shim 490 /system.slice/containerd.service /system.slice/containerd.service
v1 1400 nginx 1395 /system.slice/docker-$DS.scope /system.slice/docker-$DS.scope
v1 2200 conmon 1 /libpod_parent/libpod-$PC
v1 2210 app 2200 /libpod_parent/libpod-$PC
v1 4190 containerd-shim 1 /system.slice/containerd.service
v1 4200 pause 4190 /kubepods/burstable/pod$V1U1/$KP1
v1 4205 containerd-shim 1 /kubepods/burstable/pod$V1U1/$KB
v1 4210 app 4205 /kubepods/burstable/pod$V1U1/$KB
v1 5100 conmon 1 /kubepods/besteffort/pod$V1U3/crio-conmon-$CR2
v1 5110 app 5100 /kubepods/besteffort/pod$V1U3/crio-$CR2
v1 6090 lxc-start 1 /
v1 6100 init 6090 /lxc/c1
v1 6190 lxc-start 1 /lxc.monitor/c2
v1 6200 init 6190 /lxc.payload/c2
v1 6210 sh 6200 /lxc.payload/c2 / "/lxc.payload/c2 (deleted)"
# Pure v1 (no unified line), the container named only by the cpu and pids lines.
proc $T/v1 4300 app 4290 "4:pids:/kubepods/pod$V1U2/$KG2
3:memory:/
2:cpu,cpuacct:/kubepods/pod$V1U2/$KG2
1:name=systemd:/kubepods/pod$V1U2/$KG2
"
proc $T/v1 9000 "" 0 -
