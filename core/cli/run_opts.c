/* `can run` command line (pure): getopt into struct run_opts. The wall
 * names for --allow-degraded are the library's (sandbox/run_walls.c). */
#include "sandbox/run.h"
#include "util/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void run_opts_free(struct run_opts *o)
{
	free(o->recipes);
	*o = (struct run_opts){ 0 };
}

enum { OPT_DEGRADED = 256, OPT_EVENTS, OPT_NEW_SESSION };

int run_opts_parse(int argc, char **argv, struct run_opts *o, char *err, size_t errlen)
{
	static const struct option longs[] = {
		{ "recipe", required_argument, NULL, 'r' },
		{ "monitor", no_argument, NULL, 'm' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "strict", no_argument, NULL, 's' },
		{ "port", required_argument, NULL, 'p' },
		{ "allow-degraded", optional_argument, NULL, OPT_DEGRADED },
		{ "events", required_argument, NULL, OPT_EVENTS },
		{ "new-session", no_argument, NULL, OPT_NEW_SESSION },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	*o = (struct run_opts){ 0 };
	o->recipes = xcalloc((size_t)argc + 1, sizeof(char *));
	optind = 0; /* full re-initialisation: the parser may run more than once */
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+:r:msvp:h", longs, NULL)) != -1) {
		switch (c) {
		case 'r':
			o->recipes[o->nrecipes++] = optarg;
			break;
		case 'm':
			o->monitor = true;
			break;
		case 's':
			o->strict = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'p':
			snprintf(err, errlen, "--port: not supported yet (port forwarding comes with the "
				 "proxy)");
			return CAN_EXIT_USAGE;
		case OPT_EVENTS:
			if (!*optarg) {
				snprintf(err, errlen, "--events: empty file name");
				return CAN_EXIT_USAGE;
			}
			o->events = optarg;
			break;
		case OPT_DEGRADED:
			if (!optarg)
				o->degrade |= WALL_ALL;
			else if (run_walls_parse(optarg, &o->degrade, err, errlen) < 0)
				return CAN_EXIT_USAGE;
			break;
		case OPT_NEW_SESSION:
			o->new_session = true;
			break;
		case 'h':
			return 1;
		case ':':
			snprintf(err, errlen, "option '%s' needs a value", argv[optind - 1]);
			return CAN_EXIT_USAGE;
		default:
			snprintf(err, errlen, "unknown option '%s'", argv[optind - 1]);
			return CAN_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		snprintf(err, errlen, "no command given (can run [OPTIONS] -- CMD [ARGS...])");
		return CAN_EXIT_USAGE;
	}
	if (o->strict && o->monitor) {
		snprintf(err, errlen, "--strict and --monitor contradict each other (monitor refuses "
			 "nothing; strict kills on a refusal)");
		return CAN_EXIT_USAGE;
	}
	if (o->strict && o->degrade) {
		snprintf(err, errlen, "--strict and --allow-degraded contradict each other");
		return CAN_EXIT_USAGE;
	}
	o->cmd = &argv[optind];
	return 0;
}
