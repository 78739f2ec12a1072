import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ValidateNested } from 'class-validator';
import { List, Mapping } from './rules';

/** A property holding one DTO (`list: false`) or a list of them, validated in depth. */
export function Nested(
  dto: () => new () => object,
  shape: { list: boolean; hint: string; max?: readonly [number, string] },
): PropertyDecorator {
  const [max, limit] = shape.max ?? [Number.MAX_SAFE_INTEGER, ''];
  return (target, property) => {
    (shape.list ? List(max, limit, shape.hint) : Mapping(shape.hint))(target, property);
    ValidateNested({ each: shape.list })(target, property);
    Type(dto)(target, property as string);
  };
}
