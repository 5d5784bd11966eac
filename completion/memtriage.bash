# bash completion for memtriage(1): verbs, every verb's flags, fixed words,
# decision ids and cgroup paths from the daemon, directories where a
# directory is meant and snapshot files for simulate.
_memtriage_dirs()
{
	compopt -o filenames 2>/dev/null
	COMPREPLY=($(compgen -d -- "$1"))
}

_memtriage()
{
	local cur prev words cword
	_init_completion 2>/dev/null || {
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD-1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	}
	local verbs="status candidates history explain snapshot policies top reload release dry-run check-policy simulate"
	local common="--socket -o --output --wide -h --help"

	if [ "$cword" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$verbs --help --version" -- "$cur"))
		return
	fi
	local verb=${words[1]}

	# The offline verbs have options of their own.
	case $verb in
	check-policy)
		case $prev in
		--root|--logs) _memtriage_dirs "$cur"; return ;;
		--own) return ;; # a cgroup path relative to --root
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--embedded --root --logs --own -h --help" -- "$cur"))
		else
			_memtriage_dirs "$cur" # the policy directory
		fi
		return ;;
	simulate)
		case $prev in
		--policy-dir) _memtriage_dirs "$cur"; return ;;
		-o|--output) COMPREPLY=($(compgen -W "table wide json" -- "$cur")); return ;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--policy-dir -o --output -h --help" -- "$cur"))
		else
			compopt -o filenames 2>/dev/null
			COMPREPLY=($(compgen -d -- "$cur") $(compgen -f -X '!*.json' -- "$cur"))
		fi
		return ;;
	esac

	# The socket verbs: ask the daemon at the socket this line names.
	local sock=() i
	for ((i = 2; i < cword; i++)); do
		[ "${words[i]}" = --socket ] && sock=(--socket "${words[i+1]}")
	done
	case $prev in
	--socket)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	-o|--output)
		COMPREPLY=($(compgen -W "table wide json" -- "$cur"))
		return ;;
	-n|--limit|--iterations|-d|--interval)
		return ;;
	esac
	case $verb in
	history) COMPREPLY=($(compgen -W "$common -n --limit" -- "$cur")) ;;
	top) COMPREPLY=($(compgen -W "$common -d --interval -n --iterations" -- "$cur")) ;;
	dry-run)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$common" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "on off" -- "$cur"))
		fi ;;
	explain)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$common" -- "$cur"))
		else
			# decision ids from the daemon's history, when it answers
			local ids
			ids=$(memtriage history -o json "${sock[@]}" 2>/dev/null |
				sed -n 's/^ *"id": *"\{0,1\}\([0-9]*\)"\{0,1\},$/\1/p')
			COMPREPLY=($(compgen -W "$ids" -- "$cur"))
		fi ;;
	release)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$common" -- "$cur"))
		else
			# the cgroups the daemon watches (release takes their path)
			local paths
			paths=$(memtriage candidates -o json "${sock[@]}" 2>/dev/null |
				sed -n 's/^ *"path": *"\(.*\)",$/\1/p')
			COMPREPLY=($(compgen -W "$paths" -- "$cur"))
		fi ;;
	*) COMPREPLY=($(compgen -W "$common" -- "$cur")) ;;
	esac
}
complete -F _memtriage memtriage
