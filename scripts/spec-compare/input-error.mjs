// An input the compare cannot work from (a file that is missing or unparsable, a document of an
// unknown kind, a version that cannot be told). The command line turns it into exit code 2.
export class InputError extends Error {
  name = 'InputError';
}
