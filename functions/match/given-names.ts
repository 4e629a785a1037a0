/**
 * Short forms and nicknames of given names (`Bob` → Robert, `Sasha` → Aleksandr, `Bibi` → Benjamin),
 * for the grade score.ts gives a given name written another way: 0.9, below the same name.
 *
 * No well-kept table of them is on the npm registry (searched for nickname, diminutive, hypocorism
 * and given-name variant tables in this project's package lists: only name generators and parsers),
 * so this is a compact table written here: widely attested English, Russian (as romanized; with
 * the Ukrainian forms of the same names, `Serhiy` ~ `Sergey`, `Volodymyr` ~ `Vladimir`, `Oleh` ~ `Oleg`),
 * German, Hebrew and Arabic short forms of common given names, and the usual spellings of the full
 * name across those languages' romanizations. A form may belong to several names (`Alex`, `Sasha`:
 * Alexander and Alexandra); two words match when they share one. Short forms that are words or
 * particles of other names more often than nicknames (`Al`, `Abu`) are left out, except `Ben`,
 * which is compared as a nickname when it is not read as the particle `bin`.
 */

/** One line per name: the forms that stand for it, the full name's spellings first. */
const GIVEN_NAME_FORMS = `
robert rob robbie bob bobby bert
william will willy willie bill billy liam wilhelm willi wim
richard rich richie rick ricky dick
james jim jimmy jamie
john johnny jack jon johann johannes hans
jonathan jon jonny
joseph joe joey josef yosef yossi sepp
michael mike mikey mick micky mikhail misha mykhailo mykhaylo
thomas tom tommy
charles charlie chuck chas
edward ed eddie ted teddy ned
elizabeth elisabeth liz lizzie beth betty eliza liza bess lisa liesl
margaret margarete maggie meg peggy marge grete greta gretchen
katherine catherine kathryn katharina kate katie kathy cathy kathi
ekaterina yekaterina katerina katya katia
benjamin ben benji benny bibi
alexander alexandre aleksandr aleksander alexandr alessandro alejandro alex alec sandy sasha sacha shura oleksandr
alexandra aleksandra alex sandra sasha shura oleksandra
aleksei alexei alexey aleksey alexis alyosha lyosha oleksiy oleksii
nicholas nikolai nikolay nicolas nick nicky kolya klaus nikolaus mykola
anthony antony tony
andrew andrei andrey andy drew andriy andrii
christopher christoph chris kit
patrick pat paddy
patricia pat patty trish
peter petr pyotr pete petya petro
stephen steven stefan stepan steve
samuel sam sammy
daniel dan danny
david dave davy
timothy tim timmy
matthew matt
gregory grigory grigori greg grisha hryhoriy hryhorii
frederick friedrich fred freddie fritz
henry heinrich harry hank heinz
lawrence laurence larry
gerald gerry jerry
jeffrey geoffrey jeff geoff
kenneth ken kenny
raymond ray
donald don donny
ronald ron ronnie
douglas doug
susan sue susie
deborah debbie deb
jennifer jen jenny
rebecca becky
victoria vicky tori
barbara barb babs
dorothy dot dolly
mary molly polly
vladimir vova volodya volodymyr
dmitry dmitri dmitriy dima mitya dmytro
ivan vanya
sergei sergey sergiy serge seryozha serhiy serhii
yevgeny evgeny evgeniy yevgeniy zhenya yevhen
konstantin kostya
vyacheslav slava
anatoly anatoliy tolya anatolii
viktor victor vitya
tatiana tatyana tanya
natalia natalya natasha
maria mariya masha
anna anya
elena yelena lena
olga olya olha
svetlana sveta
pavel pasha pavlo
yuri yury yuriy yura yurii
boris borya
oleg oleh
igor ihor
georgy georgiy georgi heorhiy heorhii
fyodor fedor fedir
vasily vasiliy vasili vasyl
gennady gennadiy gena hennadiy hennadii
avraham abraham avi
moshe moishe
muhammad mohammed mohammad muhammed mohamed mohd muhd mhd md
ibrahim brahim
gerhard gerd
wolfgang wolf
`;

/** Form → the names (line numbers) it stands for. */
const GROUPS = new Map<string, number[]>();
GIVEN_NAME_FORMS.trim()
  .split('\n')
  .forEach((line, group) => {
    for (const form of line.trim().split(/\s+/)) {
      const groups = GROUPS.get(form);
      if (!groups) GROUPS.set(form, [group]);
      else if (!groups.includes(group)) groups.push(group);
    }
  });

/** The names a given-name form stands for (as keys for the blocking index), empty when it is none. */
export function givenNameGroups(word: string): readonly number[] {
  return GROUPS.get(word) ?? [];
}

/** Whether two different words are forms of one given name (`bob` / `robert`, `sasha` / `aleksandr`). */
export function sameGivenName(a: string, b: string): boolean {
  const x = GROUPS.get(a);
  if (!x) return false;
  const y = GROUPS.get(b);
  return y !== undefined && x.some((group) => y.includes(group));
}
