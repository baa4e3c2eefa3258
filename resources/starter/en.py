# ruff: noqa: E501  (prose content: long lines are paragraphs)
"""Example starter content in English, written for this project.

Every item is marked as example content: the service's clinicians must review, adapt and approve
it before it is used. Crisis numbers in particular must be checked against each service's own
current listing before going live.
"""

from __future__ import annotations

CATEGORIES = [
    {
        "slug": "understanding",
        "name": "Understanding your thoughts",
        "description": "What these thoughts are, what they are not, and why asking for help matters.",
        "position": 1,
    },
    {
        "slug": "staying-in-control",
        "name": "Staying in control",
        "description": "Practical ways to notice warning signs, cope in difficult moments and look after yourself.",
        "position": 2,
    },
    {
        "slug": "getting-help",
        "name": "Getting help",
        "description": "Talking to us, finding a professional, and what to expect.",
        "position": 3,
    },
    {
        "slug": "online",
        "name": "Staying safe online",
        "description": "Support if your use of the internet worries you.",
        "position": 4,
    },
    {
        "slug": "family-and-friends",
        "name": "For family and friends",
        "description": "If you are worried about someone close to you.",
        "position": 5,
    },
    {
        "slug": "professionals",
        "name": "For professionals",
        "description": "For people who support others in their work.",
        "position": 6,
    },
]

ARTICLES = [
    {
        "slug": "you-are-not-alone",
        "category": "understanding",
        "audience": "self",
        "title": "You are not alone",
        "summary": "Many people are troubled by sexual thoughts about children and never act on them. Asking for help is a strong and responsible step.",
        "body": """If you are reading this, you may be worried about sexual thoughts about children. You might feel frightened, ashamed or confused. Those feelings are understandable, and they show that you care about doing the right thing.

You are not the only person in this situation. Many people who have these thoughts have never harmed a child and never will. Services like this one exist because people in your position ask for help every day.

## What helps

- **Talking.** Keeping everything to yourself usually makes it feel heavier. Talking anonymously with a trained counsellor can help you make sense of what is happening.
- **Understanding.** Learning about thoughts, feelings and actions can make them feel less overwhelming.
- **Support that fits you.** Some people start with self-help; others want to see a therapist. There is no single right way.

## What you can do today

You could read another article, try the step-by-step module, or start an anonymous chat. You do not have to decide everything now. Taking one small step is enough.""",
    },
    {
        "slug": "thoughts-are-not-actions",
        "category": "understanding",
        "audience": "self",
        "title": "Thoughts are not actions",
        "summary": "Having a thought does not mean you will act on it. What you do next is within your control.",
        "body": """Thoughts can arrive without being invited. Having a thought, even one that scares you, is not the same as acting on it, and it does not decide who you are.

What matters is what you do with the thought. People can learn to notice a thought, let it pass, and choose an action that fits their values.

## Why fighting thoughts can backfire

Trying hard to push a thought away often makes it come back more strongly. Many people find it more helpful to notice the thought calmly ("this is a thought, not an instruction") and then turn their attention to something else.

## When to ask for more support

Please reach out if:

- the thoughts take up a lot of your time or energy,
- you notice you are moving closer to acting on them,
- you feel hopeless or think about harming yourself.

You can talk to a counsellor anonymously, or look at the crisis contacts if you need help right now.""",
    },
    {
        "slug": "shame-and-reaching-out",
        "category": "understanding",
        "audience": "self",
        "title": "Shame, fear and reaching out",
        "summary": "Shame can keep people silent. Here is why speaking to someone, without giving your name, can make things easier.",
        "body": """Shame is one of the most common feelings people describe when they first contact a service like this. It can make you want to hide, avoid thinking about things, or cope alone.

Shame is painful, but it is not a reason to stay silent. Talking often reduces its weight.

## Common worries about reaching out

- *"They will judge me."* Our counsellors are trained to listen without judgement.
- *"I will be identified."* You can talk to us without giving your name. Our confidentiality statement explains what stays anonymous and the limits that apply.
- *"I do not know what to say."* You can start with "I am not sure where to begin." The counsellor will help.

## Being kind to yourself

Being kind to yourself is not the same as excusing harmful behaviour. It means treating yourself as someone who deserves support to live safely and well. That is a foundation for change.""",
    },
    {
        "slug": "noticing-warning-signs",
        "category": "staying-in-control",
        "audience": "self",
        "title": "Noticing your warning signs",
        "summary": "Most people have early signs that things are getting harder. Learning yours gives you time to act.",
        "body": """Difficult moments rarely come from nowhere. Often there are earlier signs: feelings, situations or habits that make things harder.

## Signs people often notice

- feeling lonely, bored, low or stressed for a long time,
- sleeping badly, or drinking more alcohol than usual,
- spending long hours online late at night,
- telling yourself that "just this once" would not matter,
- keeping secrets from people close to you.

## Making your own list

Think back to times when things felt difficult. What was happening in the hours or days before? Write down the signs that you recognise. Keep the list somewhere private.

When you notice a sign, treat it as a signal to use your plan: do something different, get away from the situation, or talk to someone. Our step-by-step module can help you make that plan.""",
    },
    {
        "slug": "coping-in-difficult-moments",
        "category": "staying-in-control",
        "audience": "self",
        "title": "Coping when thoughts feel strong",
        "summary": "Short, practical things you can do in a difficult moment to stay safe and let the feeling pass.",
        "body": """Strong urges and thoughts rise and fall like a wave. They usually pass, especially if you change what you are doing.

## Things you can do right now

1. **Change the situation.** Leave the room, close the device, go somewhere with other people around.
2. **Slow your breathing.** Breathe in for four counts and out for six, for a few minutes.
3. **Move.** A walk, some stretches or a household task can shift your attention.
4. **Contact someone.** A friend, a helpline, or an anonymous chat with a counsellor.
5. **Remind yourself why.** Think of the people and things that matter to you.

## Afterwards

Once the moment has passed, notice what helped. Add it to your plan. If these moments happen often, please talk to a counsellor or a therapist: you do not have to manage this alone.

If you are worried that you might act on your thoughts, or you are thinking about harming yourself, please use the crisis contacts now.""",
    },
    {
        "slug": "looking-after-yourself",
        "category": "staying-in-control",
        "audience": "self",
        "title": "Sleep, stress, alcohol and your wellbeing",
        "summary": "Looking after your general health makes it easier to manage difficult thoughts.",
        "body": """It can be easier to stay in control when your everyday life is steady. Small changes in how you look after yourself can make a real difference.

## Areas to look at

- **Sleep.** Tiredness lowers resilience. Try to keep regular times for going to bed and getting up.
- **Alcohol and drugs.** They lower inhibitions and can make risky situations more likely. Cutting down is a protective step.
- **Stress.** Notice what causes it and what helps, such as time outdoors, exercise or talking things through.
- **Connection.** Spending time with people you trust, in safe settings, reduces loneliness.
- **Meaning.** Work, study, hobbies or volunteering that suit your situation can give structure and purpose.

## One step at a time

Choose one small change to try this week. If you notice low mood, anxiety or hopelessness that does not lift, a doctor or therapist can help with that too.""",
    },
    {
        "slug": "finding-professional-help",
        "category": "getting-help",
        "audience": "self",
        "title": "Finding professional help near you",
        "summary": "How to find a therapist or doctor, what to say, and what to expect from the first appointment.",
        "body": """Talking to a professional in person can give you ongoing support that fits your situation. Many people find it is the most helpful step they take.

## Where to start

- **Your doctor.** A general practitioner can talk with you about your wellbeing and refer you to specialist services.
- **Specialist prevention services.** Some countries have services for people worried about sexual thoughts about children. Our counsellors can tell you what is available where you live.
- **Therapists and psychologists.** Look for someone registered with a professional body who has experience in this area.

## What to say

You can start with what worries you most, in your own words. It is fine to ask first how confidentiality works in their service and what its limits are, before you share details.

## What to expect

A first appointment is usually about getting to know each other and agreeing what you want to work on. If the first person is not the right fit, it is fine to look for someone else.

If you would like help thinking this through, you can chat with one of our counsellors anonymously.""",
    },
    {
        "slug": "what-happens-in-a-chat",
        "category": "getting-help",
        "audience": "self",
        "title": "What happens when you chat with us",
        "summary": "A step-by-step description of an anonymous chat, so you know what to expect before you start.",
        "body": """Knowing what happens can make it easier to start.

1. **Before the chat** you can answer a few optional questions. They help us offer the right support. You can skip them.
2. **While you wait** you can see your place in the queue. You can read self-help material and leave at any time.
3. **In the chat** a trained counsellor listens, helps you think things through and can suggest next steps. The conversation is encrypted between your browser and the counsellor's.
4. **At the end** you can leave when you are ready. We do not keep a record of what you wrote.

## What we do not ask for

We do not ask for your name, and we do not store your IP address or set cookies.

## Limits

Our confidentiality statement, shown before the chat starts, explains what stays anonymous and the limits that apply. Please read it; the counsellor is happy to answer questions about it.

Chats are not available at all times. When we are closed, the self-help pages and crisis contacts are still here.""",
    },
    {
        "slug": "stopping-viewing-illegal-images",
        "category": "online",
        "audience": "self",
        "title": "If you are worried about viewing illegal images of children",
        "summary": "Images of children that are illegal cause real harm. Help is available to stop, and stopping is possible.",
        "body": """Every image of a child that is illegal records real harm to a real child. Viewing or sharing such images adds to that harm and is a crime in most countries.

If you have been looking at these images, or feel drawn to, you can stop, and you can get help to stop.

## Steps that help

- **Make it harder to access.** Remove apps and accounts you have used, and use filtering tools.
- **Notice your patterns.** When, where and how does it happen? Late nights, being alone and alcohol are common factors.
- **Fill the gap.** Plan other activities for the times that are most difficult.
- **Talk to someone.** Anonymous support can help you understand what is happening and make a plan.

## You can change

Many people have stopped with the right support. Our step-by-step module and an anonymous chat with a counsellor are good places to start.

If you are feeling overwhelmed or thinking about harming yourself, please use the crisis contacts.""",
    },
    {
        "slug": "worried-about-someone",
        "category": "family-and-friends",
        "audience": "family",
        "title": "Worried about someone close to you",
        "summary": "If you are concerned about the thoughts or behaviour of a partner, relative or friend, you can get support too.",
        "body": """It can be very hard to be worried about someone you care about. You may feel shocked, confused or torn between different feelings. All of these are understandable.

## You can ask for support

You do not need to have all the answers, and you do not need to be certain about what is happening. You can talk to us anonymously about your worries.

## Keeping children safe

If you think a child is in danger right now, contact your local emergency number. If you are worried but there is no immediate danger, a counsellor can help you think through what to do next, including which local services can help.

## Looking after yourself

Supporting someone else can be exhausting. Think about who you can talk to, and take time for yourself. Your wellbeing matters too.""",
    },
    {
        "slug": "when-someone-tells-you",
        "category": "family-and-friends",
        "audience": "family",
        "title": "When someone tells you about their thoughts",
        "summary": "If someone you know tells you they are worried about sexual thoughts about children, how you respond can help them get support.",
        "body": """If someone tells you they are troubled by sexual thoughts about children, it has probably taken a lot of courage. It is natural to feel shocked or upset.

## Responding

- **Stay calm if you can.** You do not have to respond perfectly.
- **Listen.** Let them explain in their own words.
- **Encourage help.** Let them know that specialist, anonymous support exists, such as this service.
- **Think about safety.** Ask whether any child is at risk. If a child is in danger now, contact your local emergency number.

## Your own feelings

You might need time to process what you have heard. You can contact us anonymously for support for yourself, and to think through what to do next.""",
    },
    {
        "slug": "for-young-people",
        "category": "understanding",
        "audience": "young",
        "title": "For young people: worried about your thoughts",
        "summary": "If you are young and worried about sexual thoughts about younger children, you can get help, and things can get better.",
        "body": """If you are a teenager or young adult and are worried about sexual thoughts about younger children, you might feel scared, alone or confused. You are not a bad person for asking for help. Asking is a brave and responsible thing to do.

## What can help

- **Talking to a trusted adult**, such as a school counsellor, a doctor or another adult you feel safe with.
- **Anonymous support.** You can chat with a counsellor here without giving your name.
- **Looking after yourself.** Sleep, friends, activities you enjoy and time away from screens all help.

## Online

If you have seen images of children online that are illegal, stop looking and close the page. Images like these harm real children. Talk to someone about what happened.

If you feel very low or think about harming yourself, please use the crisis contacts now.""",
    },
    {
        "slug": "young-people-online",
        "category": "online",
        "audience": "young",
        "title": "For young people: staying safe online",
        "summary": "Simple steps to feel more in control of what you do and see online.",
        "body": """The internet is a big part of life, and it can also lead to places that feel wrong or frightening.

## Steps that help

- Turn on safe-search and content filters on your devices.
- Take breaks from screens, especially late at night.
- If something online makes you uncomfortable, close it and talk to someone you trust.
- Never share images of yourself or others that you would not want everyone to see. Sharing sexual images of anyone under 18 is illegal in many countries, even between young people.

## If you are worried about what you have been looking at

You can stop, and you can get support. Chat anonymously with a counsellor or talk to a trusted adult.""",
    },
    {
        "slug": "responding-to-disclosure",
        "category": "professionals",
        "audience": "professional",
        "title": "Responding when a client discloses sexual thoughts about children",
        "summary": "Guidance for professionals on responding calmly, keeping children safe, and referring to specialist support.",
        "body": """Professionals in health, social care, education and other fields may hear a client disclose sexual thoughts about children. A calm, non-judgemental response makes it more likely the person will accept help.

## Principles

- **Listen and acknowledge** the courage it took to speak.
- **Distinguish thoughts from behaviour.** Ask what support the person needs, and whether any child is at risk.
- **Follow your safeguarding duties.** Know your organisation's policy and your legal obligations, and be open with the client about them.
- **Refer on.** Specialist prevention services, including this one, can offer anonymous support alongside your work.

## Looking after yourself

These conversations can be demanding. Use supervision and peer support.""",
    },
    {
        "slug": "referring-to-this-service",
        "category": "professionals",
        "audience": "professional",
        "title": "Referring someone to this service",
        "summary": "What this service offers, and how to tell people about it.",
        "body": """This service offers anonymous chat with trained counsellors and self-help material for people worried about sexual thoughts about children, and for the people close to them.

## What people can expect

- no name, no account, no cookies, and no IP address stored,
- end-to-end-encrypted chat with a counsellor during opening hours,
- self-help articles and a step-by-step module at any time,
- crisis contacts for several countries.

## Telling people about the service

You can give people the address of this website. Platforms and partner organisations can ask for a landing page with their own short code, so that the service can count, in total only, how many people arrive from each partner.""",
    },
]

MODULES = [
    {
        "slug": "first-steps",
        "audience": "self",
        "title": "First steps: understanding and managing difficult thoughts",
        "summary": "Six short steps to understand what is happening, notice your warning signs and make a plan for difficult moments.",
        "steps": [
            {
                "title": "Why you are here",
                "body": """Starting this module is a positive step. You are choosing to understand your thoughts and to live in a way that is safe for children and for you.

This module has six short steps. Each has a reflection question. What you write stays in this browser tab only; we never see it.

Take your time. You can stop and come back later.""",
                "exercise": "What made you decide to look for help today?",
            },
            {
                "title": "Thoughts, feelings and actions",
                "body": """Thoughts, feelings and actions are connected, but they are not the same. A thought can come and go without you acting on it.

Many people notice that thoughts are stronger at certain times: when they are stressed, lonely, tired, or have been drinking. Knowing this gives you more choice.""",
                "exercise": "When do the thoughts tend to be stronger? What else is going on at those times?",
            },
            {
                "title": "Knowing your warning signs",
                "body": """Warning signs are early clues that things are getting harder. They might be feelings (like low mood), situations (like being alone online late at night) or thoughts (like "it would not matter just once").

Spotting them early gives you time to change course.""",
                "exercise": "Write down three early signs that tell you things are getting harder.",
            },
            {
                "title": "A plan for difficult moments",
                "body": """A plan made in a calm moment is easier to follow in a difficult one. A good plan is short and practical:

- things you can do instead,
- places you can go,
- people or services you can contact, including anonymous chat and crisis lines.""",
                "exercise": "Write down three things you can do instead, and one person or service you could contact.",
            },
            {
                "title": "Building a life that supports you",
                "body": """Staying safe is easier when life has structure, connection and meaning. Sleep, activity, time with people you trust and things you care about all help.

Change does not need to be big. One small step at a time is enough.""",
                "exercise": "Name one thing you could do this week that is good for you.",
            },
            {
                "title": "Keeping going and getting support",
                "body": """You have made a start. Many people find it helps to talk things through with someone, anonymously with one of our counsellors, or in person with a therapist.

If you ever feel overwhelmed, or think about harming yourself, the crisis contacts are there for you, day and night.""",
                "exercise": "If you contacted a counsellor, what would you like to talk about first?",
            },
        ],
    },
]

# Crisis contacts for every country and language: resources/starter/crisis.py.

LANDING_PAGES = [
    {
        "code": "platform-warning",
        "kind": "deterrence",
        "title": "This content is not available. Help is.",
        "body": """The search or link that brought you here may lead to images of children that are illegal. These images record real harm to real children, and viewing them is a crime in most countries.

If you are worried about your thoughts or what you have been looking at, you can stop, and confidential help is available. You do not have to give your name.""",
    },
    {
        "code": "partner-referral",
        "kind": "referral",
        "title": "Anonymous help, without judgement",
        "body": """A partner organisation has suggested this service to you. If you are worried about sexual thoughts about children, you can read self-help material or talk anonymously with a trained counsellor.

We do not ask for your name, set cookies or store your IP address.""",
    },
]
