#!/usr/bin/env bash
# The seccomp listener handover (docs/adr/0051): the command sends its
# listener to the host-side can before execve; a handler there answers the
# notifications. uname(2) is the notified call here.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user "${CAN_TESTBIN}/run_handover_helper"
HELPER=${CAN_TESTBIN}/run_handover_helper

t_run "$HELPER" uname -s
t_grep "the command ran after the handover" "^Linux$" "$T_OUT"
t_grep "run_sandbox returned the command's status" "^rc=0$" "$T_OUT"
t_grep "the handler got the listener" "^listener=1$" "$T_OUT"
t_grep "the handler got the command's host pid" "^host_pid=[1-9][0-9]*$" "$T_OUT"
t_grep "notified calls reached the handler" "^notifications=[1-9]" "$T_OUT"
n=$(printf '%s\n' "$T_OUT" | sed -n 's/^notifications=//p')
t_grep "every notification came from that pid" "^pid_matches=$n$" "$T_OUT"
t_run "$HELPER" sh -c 'exit 7'
t_grep "exit status still propagates with a handler" "^rc=7$" "$T_OUT"
t_run "$CAN" run -- uname -s
t_grep "control: without a handler nothing is notified and uname runs" "^Linux$" "$T_OUT"
t_done
