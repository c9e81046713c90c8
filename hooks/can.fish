# can hook fish: what `can hook fish | source` in ~/.config/fish/config.fish
# runs (docs/session.md, docs/adr/0220-hook-start-and-failure-rules.md).
#
# Outside a session, in an interactive shell, it starts one: `exec`, so the
# terminal keeps this PID and the supervisor becomes this shell's parent.
# Anything that stands in the way (no can in PATH, `can session --check`
# failing, CANISTER_SESSION_OFF=1) prints one line and this shell goes on
# unsandboxed: a login is never broken. Inside the session (the second read
# of config.fish) it only adds the prompt hook, after direnv's.
if not set -q CANISTER_SESSION
    # Interactive, on a terminal, and not `fish -ic CMD` or a script (how
    # editors read a login environment): a new shell would drop the command.
    set -l __canister_cmd 0
    for a in (string split0 </proc/$fish_pid/cmdline)[2..-1]
        if string match -qr -- '^(-[^-]*c|--command|[^-])' $a
            set __canister_cmd 1
        end
    end
    if status is-interactive; and isatty stdout; and test $__canister_cmd = 0
        # fish has no $PPID: field 4 of /proc/PID/stat, after the name.
        set -l __canister_ppid (string replace -r '^.*\) ' '' </proc/$fish_pid/stat | string split ' ')[2]
        if test "$CANISTER_SESSION_OFF" = 1
            echo 'can: session off (CANISTER_SESSION_OFF=1): this shell is not sandboxed' >&2
        else if set -q CANISTER_SESSION_TRIED; and test "$CANISTER_SESSION_TRIED" = "$__canister_ppid"
            echo 'can: session: started this shell without CANISTER_SESSION: this shell is not sandboxed' >&2
        else if not command -q can
            echo 'can: session: no can command in PATH: this shell is not sandboxed' >&2
        else
            set -l __canister_why (command can session --check 2>&1 </dev/null)
            if test $status -eq 0
                set -l __canister_login
                status is-login; and set __canister_login -l
                set -gx CANISTER_SESSION_TRIED $fish_pid
                # Under `can hook fish | source` stdin is that pipe: the
                # shell the session starts reads the terminal.
                if isatty stdin
                    exec can session -- (status fish-path) $__canister_login
                else
                    exec can session -- (status fish-path) $__canister_login </dev/tty
                end
                set -e CANISTER_SESSION_TRIED
                echo 'can: session: could not start: this shell is not sandboxed' >&2
            else
                set -l __canister_first (string replace -r '^can: ' '' -- $__canister_why[1])
                test -n "$__canister_first"; or set __canister_first 'can session --check failed'
                echo "can: no session ($__canister_first): this shell is not sandboxed" >&2
            end
        end
    end
else
    # Tells the supervisor that something may have changed so it rewrites
    # the state file `can status` reads. fish cannot open without waiting
    # for a reader, so it writes only while the FIFO exists and the
    # supervisor (which keeps it open) is alive.
    # fish reports a failed redirection whatever stderr is: test -w first,
    # so a FIFO this shell may not write stays silent.
    function __canister_prompt
        set -l f $CANISTER_SESSION_FIFO
        if test -n "$f"; and test -p "$f"; and test -w "$f"; and test -d /proc/$CANISTER_SESSION
            echo 'canister 1 refresh' >$f
        end
    end
    # After direnv's: fish runs handlers in the order they were defined, so
    # when direnv's is not defined yet, ours is defined at the first prompt,
    # once config.fish has been read whole.
    if functions -q __direnv_export_eval
        function __canister_prompt_event --on-event fish_prompt
            __canister_prompt
        end
    else
        function __canister_prompt_boot --on-event fish_prompt
            functions -e __canister_prompt_boot
            function __canister_prompt_event --on-event fish_prompt
                __canister_prompt
            end
            # Without direnv the order does not matter: refresh now.
            functions -q __direnv_export_eval; or __canister_prompt
        end
    end
end
set -e CANISTER_SESSION_TRIED
