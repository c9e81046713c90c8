#!/usr/bin/env bash
# The seccomp wall as `can run` installs it: test/try_syscall inside the
# sandbox, each attack next to its control on the host (same user, no can),
# which shows the call reaches the kernel there.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user "${CAN_TESTBIN}/try_syscall"
TRY=${CAN_TESTBIN}/try_syscall
W=$(mktemp -d /tmp/canrunsc.XXXXXX)
trap 'rm -rf "$W"' EXIT
cp "$TRY" "$W/try_syscall"
cd "$W" || exit 1

t_run "$CAN" run -- grep -E '^Seccomp:' /proc/self/status
t_grep "the command runs under a seccomp filter (mode 2)" "^Seccomp:[[:space:]]+2$" "$T_OUT"

# attack, what the host answers (reached the kernel), what the sandbox must answer
while read -r name host inside; do
	t_run ./try_syscall "$name"
	t_grep "control: $name reaches the kernel on the host ($host)" "^$host$" "$T_OUT"
	t_run "$CAN" run -- ./try_syscall "$name"
	t_grep "$name is refused inside ($inside)" "^$inside$" "$T_OUT"
done <<'LIST'
ioctl-tiocsti ENOTTY EPERM
ioctl-tiocsti-high ENOTTY EPERM
ioctl-tioclinux ENOTTY EPERM
io_uring_setup EFAULT EPERM
unshare-user ok EPERM
clone-newuser EINVAL EPERM
clone-newuser-high EINVAL EPERM
clone3 EINVAL ENOSYS
seccomp-listener EFAULT EPERM
ptrace-traceme ok EPERM
process_vm_readv EFAULT EPERM
bpf EINVAL EPERM
userfaultfd EINVAL EPERM
mount EFAULT EPERM
kill-all ok EPERM
socket-vsock ok EPERM
socket-netlink-audit ok EPERM
LIST

# AF_PACKET and raw IP need CAP_NET_RAW, so the host control cannot show the
# kernel reached (the BPF tests in test_seccomp_build show the rule); still,
# they must be refused inside, where the user namespace owns the netns.
for name in socket-packet socket-raw; do
	t_run "$CAN" run -- ./try_syscall "$name"
	t_grep "$name is refused inside" "^EPERM$" "$T_OUT"
done
# What ordinary programs need keeps working: route netlink (getifaddrs) and
# TCP sockets.
for name in socket-netlink-route socket-inet-stream; do
	t_run "$CAN" run -- ./try_syscall "$name"
	t_grep "$name still works inside" "^ok$" "$T_OUT"
done
t_run "$CAN" run -r python -- python3 -c 'import socket; print(socket.if_nameindex())'
t_grep "python's if_nameindex (netlink route) works inside" "'lo'" "$T_OUT"

t_run ./try_syscall x32-getpid
t_grep "control: an x32 syscall reaches the kernel on the host" "^ENOSYS$" "$T_OUT"
t_expect "an x32 syscall inside kills the process (SIGSYS: 128+31)" 159 "$CAN" run -- ./try_syscall x32-getpid
t_expect "control: i386 getpid works on the host" 0 ./try_syscall i386-getpid
t_expect "a foreign-architecture syscall inside kills the process" 159 "$CAN" run -- ./try_syscall i386-getpid
t_run "$CAN" run -- ./try_syscall getpid
t_grep "control: a plain getpid works inside" "^ok$" "$T_OUT"
t_run "$CAN" run --strict -- ./try_syscall io_uring_setup
t_expect "--strict kills on a refused call (SIGSYS)" 159 sh -c "exit $T_RC"
t_done
