/**
 * The validation hook writes each description on the graphql-js error itself, before Apollo builds
 * its answer's error from it (Apollo's ValidationError copies `message` and `extensions`): no map
 * on the side for formatError to look the description up in.
 */
import { Kind, buildSchema, parse, validate, type DocumentNode } from "graphql";
import { describeErrorsOnValidationEnd } from "../src/errors/validation-hook.js";

const schema = buildSchema(`
  enum AccessMode { SINGLE RECURRENT }
  input ResumeLinkInput { session: String!  token: String  link: ID!  accessMode: AccessMode }
  type Query { ping: Boolean }
  type Mutation { resumeLink(input: ResumeLinkInput!): Boolean }
`);

/** `source`'s validation errors once the hook has run on them (on `hookDocument`, if given). */
function described(source: string, hookDocument?: DocumentNode) {
  const parsed = parse(source);
  const errors = validate(schema, parsed);
  const document = hookDocument ?? parsed;
  describeErrorsOnValidationEnd({ suggestions: true }, { schema, document }, errors);
  return errors.map(({ message, extensions }) => ({ message, extensions }));
}

it("puts the field and a message without the value on the error itself", () => {
  expect(
    described('mutation { resumeLink(input: { session: "s", link: "l", token: 123456 }) }'),
  ).toEqual([
    {
      message: "Invalid input.token: expected String; String cannot represent a non string value.",
      extensions: { field: "input.token" },
    },
  ]);
});

it("names an enum's allowed values", () => {
  expect(
    described('mutation { resumeLink(input: { session: "s", link: "l", accessMode: recurrent }) }'),
  ).toEqual([
    {
      message:
        'Invalid input.accessMode: expected AccessMode, one of SINGLE, RECURRENT. Did you mean "RECURRENT"?',
      extensions: { field: "input.accessMode" },
    },
  ]);
});

it("tells the fix for a mutation sent as a query", () => {
  expect(described('{ resumeLink(input: { session: "s", link: "l" }) }')).toEqual([
    {
      message:
        'Cannot query field "resumeLink" on type "Query". resumeLink is a mutation: send it as `mutation { resumeLink(…) { … } }`, not as a query (nor with no keyword, which means query).',
      extensions: {},
    },
  ]);
});

it("keeps only the type and the reason of a value it cannot place (a document the checks replaced)", () => {
  const standIn: DocumentNode = { kind: Kind.DOCUMENT, definitions: [] };
  expect(
    described(
      'mutation { resumeLink(input: { session: "s", link: "l", token: 123456 }) }',
      standIn,
    ),
  ).toEqual([{ message: "String cannot represent a non string value.", extensions: {} }]);
});
