/* serve_main.c - wikipack-serve, the program behind `wikipack serve`
 * (see cli_helper.c for why it is a program of its own). */
#include "cli.h"

int main(int argc, char **argv) { return cmd_serve(argc, argv); }
