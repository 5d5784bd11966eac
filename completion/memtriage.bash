# bash completion for memtriage(1)
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
	case $prev in
	--socket)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	-o|--output)
		COMPREPLY=($(compgen -W "json table" -- "$cur"))
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
			ids=$(memtriage history -o json 2>/dev/null |
				sed -n 's/^ *"id": *"\{0,1\}\([0-9A-Za-z._-]*\)"\{0,1\},$/\1/p')
			COMPREPLY=($(compgen -W "$ids" -- "$cur"))
		fi ;;
	release)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$common" -- "$cur"))
		else
			# throttled cgroups first; any cgroup path below the mount otherwise
			local paths
			paths=$(memtriage candidates -o json 2>/dev/null |
				sed -n 's/^ *"path": *"\(.*\)",$/\1/p')
			COMPREPLY=($(compgen -W "$paths" -- "$cur"))
		fi ;;
	check-policy|simulate)
		COMPREPLY=($(compgen -f -- "$cur")) ;;
	*) COMPREPLY=($(compgen -W "$common" -- "$cur")) ;;
	esac
}
complete -F _memtriage memtriage
