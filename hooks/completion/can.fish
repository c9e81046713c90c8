# fish completion for can(1). Commands, options and recipe names are read
# from can itself (`can --help`, `can help CMD`, `can recipe list`), so they
# never drift from the binary. Installed into fish's vendor completions.
function __can_commands
    can --help 2>/dev/null | awk '/^Commands:/{c=1;next} c&&/^  [a-z]/{print $1} c&&/^$/{c=0}'
end
function __can_recipes
    can recipe list 2>/dev/null | awk 'NR>1 && $1 ~ /^[A-Za-z0-9]/ {print $1}'
end
function __can_command_word
    for w in (commandline -opc)[2..-1]
        switch $w
            case '--'
                return 1
            case '-*'
            case '*'
                echo $w
                return 0
        end
    end
    return 1
end
function __can_options
    set -l cmd (__can_command_word); or return
    can help $cmd 2>/dev/null | grep -oE '(^|[ ,])--?[a-zA-Z][a-zA-Z-]*' | tr -d ' ,' | sort -u
end
function __can_no_command
    set -l words (commandline -opc)
    for w in $words[2..-1]
        switch $w
            case '-*'
            case '*'
                return 1
        end
    end
    return 0
end
function __can_before_dashdash
    not contains -- -- (commandline -opc)
end
complete -c can -f
complete -c can -n __can_no_command -a '(__can_commands)'
complete -c can -n __can_no_command -l help -d 'show help'
complete -c can -n __can_no_command -l version -d 'print the version'
complete -c can -n '__fish_seen_subcommand_from run up; and __can_before_dashdash' -s r -l recipe -x -a '(__can_recipes)' -d 'add a recipe'
complete -c can -n '__fish_seen_subcommand_from recipe' -s r -l recipe -x -a '(__can_recipes)' -d 'a recipe'
complete -c can -n 'not __can_no_command; and __can_before_dashdash; and string match -q -- "-*" (commandline -ct)' -a '(__can_options)'
complete -c can -n '__fish_seen_subcommand_from help' -a '(__can_commands)'
